package b24fake_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/bitrix/b24fake"
)

func setupServer(t *testing.T, p *b24fake.Portal) string {
	t.Helper()
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return srv.URL
}

func (b *testBundle) refreshWith(t *testing.T, refresh, secret string) response {
	t.Helper()
	q := url.Values{"grant_type": {"refresh_token"}, "client_id": {"local.test.1"}, "client_secret": {secret}, "refresh_token": {refresh}}
	resp, err := http.Get(b.srv.URL + "/oauth/token/?" + q.Encode())
	require.NoError(t, err)
	return decode(t, resp)
}

func TestRefreshRotatesTokens(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.p.ExpireAccessTokens()
	r := b.refreshWith(t, b.refresh, "s3cret")
	require.Equal(t, http.StatusOK, r.status, r.raw)
	for _, k := range []string{"access_token", "refresh_token", "expires", "expires_in", "client_endpoint", "server_endpoint", "member_id", "scope", "domain", "user_id", "status"} {
		require.Contains(t, r.body, k)
	}
	require.Equal(t, b.srv.URL+"/rest/", r.body["client_endpoint"])
	require.NotEqual(t, b.refresh, r.body["refresh_token"])
	require.Equal(t, 1, b.p.Refreshes())

	b.callAs(t, b.access, "profile", nil).failed(t, 401, "expired_token")
	b.callAs(t, r.body["access_token"].(string), "profile", nil).ok(t)

	again := b.refreshWith(t, b.refresh, "s3cret")
	require.Equal(t, http.StatusBadRequest, again.status)
	require.Equal(t, "invalid_grant", again.body["error"], "a spent refresh token is refused")
	require.Equal(t, 1, b.p.Refreshes())
}

func TestRefreshErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, refresh, secret, code string
		status                      int
	}{
		{name: "WrongSecret", secret: "bad", code: "invalid_client", status: 401},
		{name: "UnknownRefreshToken", refresh: "unknown", secret: "s3cret", code: "invalid_grant", status: 400},
		{name: "MissingRefreshToken", refresh: "-", secret: "s3cret", code: "invalid_request", status: 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			refresh := tc.refresh
			switch refresh {
			case "":
				refresh = b.refresh
			case "-":
				refresh = ""
			}
			r := b.refreshWith(t, refresh, tc.secret)
			require.Equal(t, tc.status, r.status, r.raw)
			require.Equal(t, tc.code, r.body["error"])
			require.Zero(t, b.p.Refreshes())
		})
	}
}

func TestRevokedRefreshTokensAreInvalidGrant(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.p.RevokeRefreshTokens()
	require.Equal(t, "invalid_grant", b.refreshWith(t, b.refresh, "s3cret").body["error"])
}

func TestConcurrentRefreshOfOneTokenSucceedsOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var wg sync.WaitGroup
	statuses := make([]int, 20)
	for i := range statuses {
		wg.Go(func() { statuses[i] = b.refreshWith(t, b.refresh, "s3cret").status })
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		if s == http.StatusOK {
			ok++
		}
	}
	require.Equal(t, 1, ok)
	require.Equal(t, 1, b.p.Refreshes())
}
