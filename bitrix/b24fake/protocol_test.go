package b24fake_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/bitrix/b24fake"
)

func TestEnvelope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.call(t, "crm.item.add", map[string]any{"entityTypeId": 31, "fields": map[string]any{
		"title": "Счёт 1/2", "opportunity": "5000.00", "currencyId": "RUB", "isManualOpportunity": "Y", "closedate": "2026-02-01"}})
	item := obj(t, r.ok(t), "item")
	require.Equal(t, json.Number("5000"), item["opportunity"], "crm.item money is a JSON number")
	require.Equal(t, "DT31_1:N", item["stageId"])
	require.Equal(t, "2026-02-01T00:00:00+03:00", item["closedate"])
	require.Equal(t, json.Number("31"), item["entityTypeId"])
	tm := obj(t, r.body["time"])
	for _, k := range []string{"start", "finish", "duration", "processing", "date_start", "date_finish", "operating_reset_at", "operating"} {
		require.Contains(t, tm, k)
	}
	require.NotContains(t, r.body, "total", "total only on list methods")
}

func TestFormEncodedRequestWithNestedKeys(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.form(t, "crm.deal.add", url.Values{"fields[TITLE]": {"Лизинг"}, "fields[OPPORTUNITY]": {"1000000"},
		"fields[CURRENCY_ID]": {"RUB"}}).ok(t)
	deal := obj(t, b.form(t, "crm.deal.get", url.Values{"id": {string(id.(json.Number))}}).ok(t))
	require.Equal(t, "Лизинг", deal["TITLE"])
	require.Equal(t, "1000000.00", deal["OPPORTUNITY"], "legacy money is a string")
	require.Equal(t, "NEW", deal["STAGE_ID"])
	item := obj(t, b.call(t, "crm.item.get", map[string]any{"entityTypeId": 2, "id": id}).ok(t), "item")
	require.Equal(t, json.Number("1000000"), item["opportunity"])
	require.Equal(t, "Лизинг", item["title"])
}

func TestAuthInQueryString(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp, err := http.Get(b.srv.URL + "/rest/profile?auth=" + b.access)
	require.NoError(t, err)
	res := obj(t, decode(t, resp).ok(t))
	require.Equal(t, true, res["ADMIN"])
}

func TestErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		prep   func(b *testBundle) string // returns token to use
		method string
		body   map[string]any
		status int
		code   string
	}{
		{name: "NoAuth", prep: func(*testBundle) string { return "" }, method: "profile", status: 401, code: "NO_AUTH_FOUND"},
		{name: "UnknownToken", prep: func(*testBundle) string { return "nope" }, method: "profile", status: 401, code: "invalid_token"},
		{name: "ExpiredToken", prep: func(b *testBundle) string { b.p.ExpireAccessTokens(); return b.access }, method: "profile", status: 401, code: "expired_token"},
		{name: "RevokedToken", prep: func(b *testBundle) string { b.p.RevokeAccessTokens(); return b.access }, method: "profile", status: 401, code: "invalid_token"},
		{name: "MethodNotFound", method: "crm.nothing.here", status: 404, code: "ERROR_METHOD_NOT_FOUND"},
		{name: "ItemNotFound", method: "crm.item.get", body: map[string]any{"entityTypeId": 31, "id": 999}, status: 400, code: "NOT_FOUND"},
		{name: "SmartProcessNotFound", method: "crm.item.list", body: map[string]any{"entityTypeId": 777}, status: 400, code: "NOT_FOUND"},
		{name: "OldInvoices", method: "crm.item.list", body: map[string]any{"entityTypeId": 5}, status: 400, code: "ENTITY_TYPE_NOT_SUPPORTED"},
		{name: "LegacyNotFoundHasEmptyCode", method: "crm.deal.get", body: map[string]any{"id": 999}, status: 400, code: ""},
		{name: "BadStage", method: "crm.item.add", body: map[string]any{"entityTypeId": 31, "fields": map[string]any{"stageId": "DT31_1:XX"}}, status: 400, code: "CRM_FIELD_ERROR_VALUE_NOT_VALID"},
		{name: "InjectedPaymentRequired", prep: func(b *testBundle) string { b.p.FailNext("profile", 1, "PAYMENT_REQUIRED", 0); return b.access }, method: "profile", status: 402, code: "PAYMENT_REQUIRED"},
		{name: "InjectedQueryLimit", prep: func(b *testBundle) string { b.p.FailNext("*", 1, "QUERY_LIMIT_EXCEEDED", 0); return b.access }, method: "profile", status: 503, code: "QUERY_LIMIT_EXCEEDED"},
		{name: "OperationTimeLimit", prep: func(b *testBundle) string {
			b.p.OperationTimeLimit("crm.item.list", time.Now().Add(time.Hour))
			return b.access
		}, method: "crm.item.list", body: map[string]any{"entityTypeId": 31}, status: 429, code: "OPERATION_TIME_LIMIT"},
		{name: "QueryLimitAlways", prep: func(b *testBundle) string { b.p.SetQueryLimitAlways(true); return b.access }, method: "profile", status: 503, code: "QUERY_LIMIT_EXCEEDED"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			token := b.access
			if tc.prep != nil {
				token = tc.prep(b)
			}
			b.callAs(t, token, tc.method, tc.body).failed(t, tc.status, tc.code)
		})
	}
}

func TestInsufficientScope(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *b24fake.Options) { o.Scope = []string{"crm"} })
	b.call(t, "im.notify.system.add", map[string]any{"USER_ID": 1, "MESSAGE": "x"}).failed(t, 403, "insufficient_scope")
	b.call(t, "crm.item.list", map[string]any{"entityTypeId": 31}).ok(t)
	b.call(t, "app.info", nil).ok(t)
}

func TestInjectedFaultsAreConsumed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.p.FailNext("profile", 2, "", 502)
	for range 2 {
		r := b.call(t, "profile", nil)
		require.Equal(t, 502, r.status)
		require.Contains(t, r.raw, "<html>", "an overloaded portal answers HTML")
	}
	b.call(t, "profile", nil).ok(t)
}

func TestOperationTimeLimitEndsAtReset(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	b := setup(t, func(o *b24fake.Options) {
		o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	b.p.OperationTimeLimit("crm.item.list", now.Add(time.Minute))
	b.call(t, "crm.item.list", map[string]any{"entityTypeId": 31}).failed(t, 429, "OPERATION_TIME_LIMIT")
	b.call(t, "crm.item.get", map[string]any{"entityTypeId": 31, "id": 1}).failed(t, 400, "NOT_FOUND")
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	b.call(t, "crm.item.list", map[string]any{"entityTypeId": 31}).ok(t)
}

func TestCountersExactUnderConcurrency(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for range 10 {
				resp, err := http.Get(b.srv.URL + "/rest/server.time.json?auth=" + b.access)
				if err == nil {
					resp.Body.Close()
				}
			}
		})
	}
	wg.Wait()
	require.Equal(t, 200, b.p.Requests("server.time"))
	require.Equal(t, 200, b.p.Calls("server.time"))
	require.Equal(t, 200, b.p.TotalRequests())
	require.Zero(t, b.p.Rejected503())
}

func TestDomainMoveRedirects(t *testing.T) {
	t.Parallel()
	b := setup(t)
	second := setupServer(t, b.p)
	b.p.MoveDomain(second)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Post(b.srv.URL+"/rest/profile.json?auth="+b.access, "application/json", nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	require.Equal(t, second+"/rest/profile.json?auth="+b.access, resp.Header.Get("Location"))
	resp, err = client.Post(second+"/rest/profile.json?auth="+b.access, "application/json", nil)
	require.NoError(t, err)
	decode(t, resp).ok(t)
	require.Equal(t, second+"/rest/", b.p.ClientEndpoint())
}

func TestLatencyDelaysResponses(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.p.SetLatency(time.Minute)
	client := &http.Client{Timeout: 50 * time.Millisecond}
	_, err := client.Get(b.srv.URL + "/rest/profile?auth=" + b.access)
	require.Error(t, err, "a slow portal makes the client time out")
	b.p.SetLatency(0)
	b.call(t, "profile", nil).ok(t)
}
