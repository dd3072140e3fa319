package bitrix

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCallSendsAuthInJSONBodyAndDecodesEnvelope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stub.rest = func(w http.ResponseWriter, method string, body map[string]any) {
		require.Equal(t, "crm.item.list", method)
		require.Equal(t, "a1", body["auth"])
		require.Equal(t, float64(31), body["entityTypeId"])
		reply(w, 200, `{"result":{"items":[]},"total":"120","next":50,"time":{"start":1.5,"duration":0.2,"operating_reset_at":1767226800,"operating":3.3}}`)
	}
	resp, err := b.client(t).Call(context.Background(), "crm.item.list", map[string]any{"entityTypeId": 31})
	require.NoError(t, err)
	require.JSONEq(t, `{"items":[]}`, string(resp.Result))
	require.Equal(t, 120, resp.Total)
	require.Equal(t, 50, resp.Next)
	require.Equal(t, int64(1767226800), resp.Time.OperatingResetAt)
	require.Equal(t, time.Unix(1767226800, 0), resp.Time.ResetAt())
}

func TestCallMapsErrorCodesToSentinels(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status int
		body   string
		want   error
	}{
		{"NotFound400", 400, `{"error":"NOT_FOUND","error_description":"Smart process not found"}`, ErrNotFound},
		{"InsufficientScope403", 403, `{"error":"insufficient_scope","error_description":"x"}`, ErrInsufficientScope},
		{"InvalidTokenAnyCase", 401, `{"error":"INVALID_TOKEN"}`, ErrInvalidToken},
		{"NoAuthFound", 401, `{"error":"NO_AUTH_FOUND"}`, ErrInvalidToken},
		{"MethodNotFound", 404, `{"error":"ERROR_METHOD_NOT_FOUND"}`, ErrMethodNotFound},
		{"AccessDeniedWith400", 400, `{"error":"ACCESS_DENIED"}`, ErrAccessDenied},
		{"PaymentRequired", 402, `{"error":"PAYMENT_REQUIRED"}`, ErrPaymentRequired},
		{"OverloadLimitNotRetried", 503, `{"error":"OVERLOAD_LIMIT"}`, ErrOverloadLimit},
		{"ErrorWithHTTP200", 200, `{"error":"ERROR_ARGUMENT","error_description":"bad","argument":"HANDLER"}`, nil},
		{"NumericCodeOnError", 400, `{"error":100,"error_description":"not an array"}`, nil},
		{"ServerError500", 500, `{"error":"INTERNAL_SERVER_ERROR"}`, ErrServer},
		{"HTMLUnderLoad", 502, `<html>bad gateway</html>`, ErrBadResponse},
		// Legacy CRM methods name the reason only in the text (docs: crm-requisite-list.md, crm-deal-get.md).
		{"ErrorZeroAccessDenied", 400, `{"error":0,"error_description":"Access denied."}`, ErrAccessDenied},
		{"ErrorEmptyAccessDenied", 400, `{"error":"","error_description":"Access denied"}`, ErrAccessDenied},
		{"ErrorEmptyNotFound", 400, `{"error":"","error_description":"Not found"}`, ErrNotFound},
		{"ErrorEmptyModuleScope", 400, `{"error":"","error_description":"The current method required more scopes. (crm)"}`, ErrInsufficientScope},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.stub.rest = func(w http.ResponseWriter, _ string, _ map[string]any) { reply(w, tc.status, tc.body) }
			_, err := b.client(t).Call(context.Background(), "some.method", nil)
			require.Error(t, err)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
			}
			var ae *APIError
			if errors.As(err, &ae) {
				require.Equal(t, tc.status, ae.HTTPStatus)
				require.Equal(t, "some.method", ae.Method)
				require.NotEmpty(t, ae.Code)
			}
			require.Equal(t, 1, b.stub.callsOf("some.method"), "not retried")
		})
	}
}

func TestCodelessErrorsMatchOnlyTheirOwnText(t *testing.T) {
	t.Parallel()
	notFound := &APIError{Code: "HTTP_400", Description: "Not found", HTTPStatus: 400}
	require.ErrorIs(t, notFound, ErrNotFound)
	require.NotErrorIs(t, notFound, ErrAccessDenied)
	other := &APIError{Code: "", Description: "You cannot create custom fields", HTTPStatus: 400}
	require.NotErrorIs(t, other, ErrNotFound)
	require.NotErrorIs(t, other, ErrAccessDenied)
	coded := &APIError{Code: "ERROR_CORE", Description: "Not found", HTTPStatus: 400}
	require.NotErrorIs(t, coded, ErrNotFound, "a coded error is classified by its code only")
}

func TestNotifySystemAcceptsFalse(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stub.rest = func(w http.ResponseWriter, _ string, _ map[string]any) { reply(w, 200, `{"result":false}`) }
	id, err := b.client(t).NotifySystem(context.Background(), 1, "hi", "")
	require.NoError(t, err)
	require.Zero(t, id)
}

func TestCallTreatsErrorZeroWithResultAsSuccess(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stub.rest = func(w http.ResponseWriter, _ string, _ map[string]any) { reply(w, 200, `{"result":77,"error":0}`) }
	resp, err := b.client(t).Call(context.Background(), "crm.item.payment.add", nil)
	require.NoError(t, err)
	require.Equal(t, "77", string(resp.Result))
}

func TestQueryLimitExceededIsRetriedEvenForNonIdempotentCalls(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var n atomic.Int32
	b.stub.rest = func(w http.ResponseWriter, _ string, _ map[string]any) {
		if n.Add(1) <= 3 {
			reply(w, 503, `{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}`)
			return
		}
		reply(w, 200, `{"result":5}`)
	}
	resp, err := b.client(t).Call(context.Background(), "crm.item.add", map[string]any{"entityTypeId": 31})
	require.NoError(t, err)
	require.Equal(t, "5", string(resp.Result))
	require.Equal(t, 4, b.stub.callsOf("crm.item.add"))
}

func TestTransientFailuresAreRetriedOnlyForIdempotentCalls(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		idempotent bool
		wantErr    bool
		wantCalls  int
	}{
		{"AddIsNotRepeated", false, true, 1},
		{"IdempotentReadIsRepeated", true, false, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			var n atomic.Int32
			b.stub.rest = func(w http.ResponseWriter, _ string, _ map[string]any) {
				if n.Add(1) == 1 {
					reply(w, 500, `<html>oops</html>`)
					return
				}
				reply(w, 200, `{"result":true}`)
			}
			var opts []CallOption
			if tc.idempotent {
				opts = append(opts, Idempotent())
			}
			_, err := b.client(t).Call(context.Background(), "m", nil, opts...)
			require.Equal(t, tc.wantErr, err != nil, "err: %v", err)
			require.Equal(t, tc.wantCalls, b.stub.callsOf("m"))
		})
	}
}

func TestIdempotentRetriesGiveUpAfterTheConfiguredCount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.cfg.TransientRetries = 2
	b.stub.rest = func(w http.ResponseWriter, _ string, _ map[string]any) { reply(w, 503, `{"error":""}`) }
	_, err := b.client(t).CallIdempotent(context.Background(), "m", nil)
	require.ErrorIs(t, err, ErrServer)
	require.Equal(t, 3, b.stub.callsOf("m"))
}

func TestOperationTimeLimitPausesOnlyThatMethodAndRetries(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var n atomic.Int32
	b.stub.rest = func(w http.ResponseWriter, method string, _ map[string]any) {
		if method == "crm.item.add" && n.Add(1) == 1 {
			reply(w, 429, `{"error":"OPERATION_TIME_LIMIT","error_description":"Method is blocked"}`)
			return
		}
		reply(w, 200, `{"result":1}`)
	}
	c := b.client(t)
	_, err := c.Call(context.Background(), "crm.item.add", nil)
	require.NoError(t, err)
	require.Equal(t, 2, b.stub.callsOf("crm.item.add"))
	c.limiter.mu.Lock()
	_, pausedAdd := c.limiter.pausedTo["crm.item.add"]
	_, pausedGet := c.limiter.pausedTo["crm.item.get"]
	c.limiter.mu.Unlock()
	require.True(t, pausedAdd)
	require.False(t, pausedGet)
}

func TestOperationTimeLimitPausesUntilLastKnownReset(t *testing.T) {
	t.Parallel()
	now := time.Unix(1767226000, 0)
	l := newPortalLimiter(10, 10, func() time.Time { return now })
	l.noteReset("CRM.ITEM.ADD", time.Unix(1767226600, 0))
	require.Equal(t, time.Unix(1767226600, 0), l.pause("crm.item.add", time.Time{}, time.Minute))
	require.Equal(t, now.Add(time.Minute), l.pause("crm.item.get", time.Time{}, time.Minute), "no reset known: fallback")
	require.Equal(t, time.Unix(1767226030, 0), l.pause("crm.item.list", time.Unix(1767226030, 0), time.Minute), "reset sent with the error wins")
	require.Equal(t, now.Add(10*time.Minute), l.pause("x", now.Add(time.Hour), time.Minute), "never beyond the window")
}

func TestContextCancellationStopsQueryLimitRetries(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stub.rest = func(w http.ResponseWriter, _ string, _ map[string]any) {
		reply(w, 503, `{"error":"QUERY_LIMIT_EXCEEDED"}`)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := b.client(t)
	go func() {
		for b.stub.callsOf("m") < 3 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err := c.Call(ctx, "m", nil)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, ErrQueryLimitExceeded)
}

func TestDomainChangeIsFollowedPersistedAndRepeatedAsPOST(t *testing.T) {
	t.Parallel()
	moved := setup(t)
	moved.stub.rest = func(w http.ResponseWriter, method string, body map[string]any) {
		require.Equal(t, "a1", body["auth"])
		if method == "crm.item.add" {
			require.Equal(t, "x", body["title"], "the body survives the redirect")
		}
		reply(w, 200, `{"result":"`+method+`"}`)
	}
	old := setup(t)
	old.stub.rest = func(w http.ResponseWriter, method string, _ map[string]any) {
		w.Header().Set("Location", moved.stub.srv.URL+"/rest/"+method)
		w.WriteHeader(http.StatusFound)
	}
	endpoints := make(chan Credentials, 1)
	c := old.client(t, OnEndpointChange(func(_ context.Context, c Credentials) error {
		endpoints <- c
		return nil
	}))
	resp, err := c.Call(context.Background(), "crm.item.add", map[string]any{"title": "x"})
	require.NoError(t, err)
	require.Equal(t, `"crm.item.add"`, string(resp.Result))
	require.Equal(t, moved.stub.srv.URL+"/rest/", (<-endpoints).ClientEndpoint)
	require.Equal(t, moved.stub.srv.URL+"/rest/", c.Credentials().ClientEndpoint)
	require.Equal(t, 1, old.stub.callsOf("crm.item.add"))
	_, err = c.Call(context.Background(), "crm.item.get", nil)
	require.NoError(t, err)
	require.Equal(t, 0, old.stub.callsOf("crm.item.get"), "later calls go to the new host")
}

func TestRedirectLoopIsAnError(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stub.rest = func(w http.ResponseWriter, method string, _ map[string]any) {
		w.Header().Set("Location", b.stub.srv.URL+"/rest/"+method)
		w.WriteHeader(http.StatusFound)
	}
	_, err := b.client(t).Call(context.Background(), "m", nil)
	require.ErrorIs(t, err, ErrBadResponse)
	require.Equal(t, maxRedirects+1, b.stub.callsOf("m"))
}

func TestNewRejectsIncompleteConfiguration(t *testing.T) {
	t.Parallel()
	save := func(context.Context, Credentials) error { return nil }
	good := Credentials{MemberID: "m", ClientEndpoint: "https://a.bitrix24.ru/rest/", ServerEndpoint: "https://oauth.bitrix24.tech/rest/"}
	cfg := Config{ClientID: "id", ClientSecret: "s"}
	cases := []struct {
		name  string
		cfg   Config
		creds Credentials
		save  Persist
	}{
		{"NoSecret", Config{ClientID: "id"}, good, save},
		{"NoMemberID", cfg, Credentials{ClientEndpoint: good.ClientEndpoint}, save},
		{"EndpointWithoutScheme", cfg, Credentials{MemberID: "m", ClientEndpoint: "a.bitrix24.ru/rest/"}, save},
		{"NoPersistCallback", cfg, good, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tc.cfg, tc.creds, tc.save)
			require.ErrorIs(t, err, ErrInvalidConfig)
		})
	}
}

func TestConfigStringRedactsTheSecret(t *testing.T) {
	t.Parallel()
	s := Config{ClientID: "local.1", ClientSecret: "top-secret"}.String()
	require.NotContains(t, s, "top-secret")
	require.Contains(t, s, "local.1")
}

func TestTokenURLIsDerivedFromServerEndpoint(t *testing.T) {
	t.Parallel()
	got, err := tokenURL("https://oauth.bitrix24.tech/rest/")
	require.NoError(t, err)
	require.Equal(t, "https://oauth.bitrix24.tech/oauth/token/", got)
	_, err = tokenURL("ftp://x/")
	require.ErrorIs(t, err, ErrInvalidConfig)
}

func TestMovedEndpointKeepsThePathAndTakesTheNewHost(t *testing.T) {
	t.Parallel()
	got, err := movedEndpoint("https://old.bitrix24.ru/rest/", "https://new.bitrix24.ru/rest/crm.item.add.json")
	require.NoError(t, err)
	require.Equal(t, "https://new.bitrix24.ru/rest/", got)
	_, err = movedEndpoint("https://old.bitrix24.ru/rest/", "javascript:alert(1)")
	require.ErrorIs(t, err, ErrBadResponse)
	_, err = url.Parse(got)
	require.NoError(t, err)
}
