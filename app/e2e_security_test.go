package app

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// outboxRows counts stored side effects and events: "nothing changed" means this stays put.
func (e *e2e) outboxRows() int64 {
	var n int64
	require.NoError(e.t, e.db.Table("outbox").Count(&n).Error)
	return n
}

func postForm(t *testing.T, target string, form url.Values) int {
	t.Helper()
	resp, err := http.Post(target, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func TestForgedEventsAreRefusedAndChangeNothing(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	before := e.outboxRows()
	event := func(token, member string) url.Values {
		return url.Values{"event": {"ONCRMDYNAMICITEMUPDATE"}, "data[FIELDS][ID]": {"1"},
			"data[FIELDS][ENTITY_TYPE_ID]": {"128"}, "ts": {"1700000000"}, "auth[domain]": {e.portal.Domain()},
			"auth[member_id]": {member}, "auth[application_token]": {token}}
	}
	require.Equal(t, http.StatusUnauthorized, postForm(t, e.url+"/b24/events", event("forged-token", e.portal.MemberID())))
	require.Equal(t, http.StatusUnauthorized, postForm(t, e.url+"/b24/events", event(e.portal.ApplicationToken(), "other-member")))
	require.Equal(t, http.StatusBadRequest, postForm(t, e.url+"/b24/events", url.Values{"garbage": {"1"}}))
	uninstall := url.Values{"event": {"ONAPPUNINSTALL"}, "data[CLEAN]": {"0"}, "auth[member_id]": {e.portal.MemberID()},
		"auth[application_token]": {"forged-token"}, "auth[domain]": {e.portal.Domain()}}
	require.Equal(t, http.StatusUnauthorized, postForm(t, e.url+"/b24/events", uninstall))
	require.Equal(t, before, e.outboxRows())
	p, err := e.app.portals.Get(context.Background(), e.portal.MemberID())
	require.NoError(t, err)
	require.True(t, p.Installed(), "a forged uninstall must not uninstall")
}

func TestPlacementRequestsThatCannotBeVerifiedAreRefused(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)

	// Before install there is no portal to verify against.
	require.Equal(t, http.StatusUnauthorized, e.sendPlacement(e.dealID, 2))
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	before := e.outboxRows()

	cases := map[string]func(q url.Values, f url.Values){
		"UnknownToken":      func(_, f url.Values) { f.Set("AUTH_ID", "not-a-token") },
		"ForeignMemberID":   func(_, f url.Values) { f.Set("member_id", "someone-else") },
		"ForeignDomain":     func(q, _ url.Values) { q.Set("DOMAIN", "evil.bitrix24.ru") },
		"WrongAppToken":     func(_, f url.Values) { f.Set("APPLICATION_TOKEN", "forged") },
		"ForgedEndpointIgn": func(_, f url.Values) { f.Set("SERVER_ENDPOINT", "https://evil.example/rest/"); f.Set("AUTH_ID", "x") },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			action, fields := e.PlacementForm(e.dealID, 2)
			u, _ := url.Parse(action)
			q := u.Query()
			mutate(q, fields)
			u.RawQuery = q.Encode()
			status := postForm(t, u.String(), fields)
			require.Contains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, status)
		})
	}
	// A genuine request still works, and nothing was stored by the refused ones.
	require.Equal(t, http.StatusOK, e.sendPlacement(e.dealID, 2))
	require.Equal(t, before, e.outboxRows())
	var n int64
	require.NoError(t, e.db.Table("clients").Count(&n).Error)
	require.Zero(t, n)
}

func TestTabAPIRefusesExpiredAndForgedTokens(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	token := e.openTab(e.dealID, 2)
	require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, nil))

	var body struct{ Error string }
	require.Equal(t, http.StatusUnauthorized, e.api(token+"x", http.MethodPost, "/schedule", twelveMonths(), &body))
	require.Equal(t, "unauthorized", body.Error)
	require.Equal(t, http.StatusUnauthorized, e.api("", http.MethodGet, "/tab", nil, nil))

	e.clock.Advance(tabTokenTTL + time.Second)
	require.Equal(t, http.StatusUnauthorized, e.api(token, http.MethodPost, "/schedule", twelveMonths(), &body))
	require.Equal(t, "token_expired", body.Error)
	var n int64
	require.NoError(t, e.db.Table("payment_schedules").Count(&n).Error)
	require.Zero(t, n)
}

func TestInstallRefusesNonAdminAndForeignPortal(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	req, err := e.portal.AppPageRequest(e.url+"/b24/install", "", nil, 2) // a manager, not an admin
	require.NoError(t, err)
	status, body := e.send(req)
	require.Equal(t, http.StatusForbidden, status)
	require.NotContains(t, body, "installFinish")
	_, err = e.app.portals.Current(context.Background())
	require.Error(t, err, "nothing stored")
	require.Empty(t, e.portal.Placements())
}
