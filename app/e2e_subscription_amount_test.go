package app

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/subscriptions"
)

// The manager raises the amount on the tab; the client sees the new amount on their page and
// agrees with the checkbox; only then does the raise take effect (from the next period).
func TestManagerRaisesTheAmountAndTheClientAgrees(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e, body := paidE2E(t, dialect, "127.0.0.1/32")
		require.Equal(t, http.StatusOK, e.postYooKassa(body))
		require.Equal(t, subscriptions.StatusActive, e.subscriptionStatus())
		var sub struct {
			ID       int64
			PayToken string
		}
		require.NoError(t, e.db.Table("subscriptions").Select("id, pay_token").Scan(&sub).Error)
		token := e.openTab(e.dealID, 2)

		var got struct {
			Subscription struct {
				NextAmount   string `json:"next_amount"`
				NeedsConsent bool   `json:"next_amount_needs_consent"`
			} `json:"subscription"`
		}
		path := "/subscriptions/" + itoa(sub.ID) + "/amount"
		require.Equal(t, http.StatusUnprocessableEntity, e.api(token, http.MethodPost, path, map[string]string{"amount": "-1"}, nil))
		require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, path, map[string]string{"amount": "1500"}, &got))
		require.Equal(t, "1\u00a0500,00\u00a0₽", got.Subscription.NextAmount)
		require.True(t, got.Subscription.NeedsConsent)

		link := e.url + "/s/" + sub.PayToken
		_, _, page := get(t, link)
		require.Contains(t, page, "data-test=\"new-amount-value\">1\u00a0500,00\u00a0₽")
		require.Contains(t, page, "с моей банковской карты")

		status, _, page := postConsent(t, link+"/amount", url.Values{})
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, page, "подтвердите согласие")
		status, location, _ := postConsent(t, link+"/amount", url.Values{"consent": {"1"}})
		require.Equal(t, http.StatusSeeOther, status)
		require.Equal(t, "/s/"+sub.PayToken, location)
		_, _, page = get(t, link)
		require.NotContains(t, page, `data-test="new-amount"`)
		var consented int64
		require.NoError(t, e.db.Table("subscriptions").Select("consented_minor").Scan(&consented).Error)
		require.EqualValues(t, 150000, consented)
	})
}
