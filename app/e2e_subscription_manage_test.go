package app

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/subscriptions"
)

type subscriptionAnswer struct {
	Subscription struct {
		Status            string `json:"status"`
		PauseFrom         string `json:"pause_from"`
		PauseUntil        string `json:"pause_until"`
		CancelAtPeriodEnd bool   `json:"cancel_at_period_end"`
	} `json:"subscription"`
}

// The manager pauses, resumes and cancels the deal's subscription from the tab; another deal's
// tab cannot touch it.
func TestManagerPausesResumesAndCancelsASubscription(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e, body := paidE2E(t, dialect, "127.0.0.1/32")
		require.Equal(t, http.StatusOK, e.postYooKassa(body))
		require.Equal(t, subscriptions.StatusActive, e.subscriptionStatus())
		var id int64
		require.NoError(t, e.db.Table("subscriptions").Select("id").Scan(&id).Error)
		path := "/subscriptions/" + itoa(id)
		token := e.openTab(e.dealID, 2)

		other, err := e.portal.AddItem(2, map[string]any{"TITLE": "Другая сделка", "ASSIGNED_BY_ID": 2})
		require.NoError(t, err)
		foreign := e.openTab(other, 2)
		for _, action := range []string{"/pause", "/resume", "/cancel"} {
			require.Equal(t, http.StatusNotFound, e.api(foreign, http.MethodPost, path+action,
				map[string]string{"from": "2026-12-01", "until": "2026-12-31"}, nil), action)
		}
		require.Equal(t, http.StatusNotFound, e.api(token, http.MethodPost, "/subscriptions/987654/resume", nil, nil))

		var got subscriptionAnswer
		require.Equal(t, http.StatusUnprocessableEntity, e.api(token, http.MethodPost, path+"/pause",
			map[string]string{"from": "2026-12-31", "until": "2026-12-01"}, nil))
		require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, path+"/pause",
			map[string]string{"from": "2026-12-01", "until": "2026-12-31"}, &got))
		require.Equal(t, subscriptions.StatusPaused, got.Subscription.Status)
		require.Equal(t, "2026-12-01", got.Subscription.PauseFrom)
		require.Equal(t, "2026-12-31", got.Subscription.PauseUntil)

		require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, path+"/resume", nil, &got))
		require.Equal(t, subscriptions.StatusActive, got.Subscription.Status)

		require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, path+"/cancel", map[string]bool{"at_period_end": true}, &got))
		require.Equal(t, subscriptions.StatusActive, got.Subscription.Status)
		require.True(t, got.Subscription.CancelAtPeriodEnd)

		require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, path+"/cancel", nil, &got))
		require.Equal(t, subscriptions.StatusCancelled, got.Subscription.Status)
		require.Equal(t, subscriptions.StatusCancelled, e.subscriptionStatus())
		require.Equal(t, http.StatusConflict, e.api(token, http.MethodPost, path+"/resume", nil, nil))
		e.drain()
	})
}
