package bitrix

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// expiringPortal accepts only access token "a2" and rotates r1 → (a2, r2).
func expiringPortal(t *testing.T, b *testBundle, saved *atomic.Bool) {
	b.stub.rest = func(w http.ResponseWriter, _ string, body map[string]any) {
		if body["auth"] != "a2" {
			reply(w, 401, `{"error":"expired_token","error_description":"The access token provided has expired."}`)
			return
		}
		if saved != nil && !saved.Load() {
			t.Errorf("new token used before OnTokens stored it")
		}
		reply(w, 200, `{"result":true}`)
	}
	b.stub.oauth = func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("grant_type") != "refresh_token" || q.Get("client_id") != "local.1" ||
			q.Get("client_secret") != "secret" || q.Get("refresh_token") != "r1" {
			reply(w, 400, `{"error":"invalid_request"}`)
			return
		}
		reply(w, 200, `{"access_token":"a2","refresh_token":"r2","expires":1767232800,"expires_in":3600,
			"member_id":"m1","scope":"crm","domain":"oauth.bitrix24.tech","user_id":1}`)
	}
}

func TestExpiredTokenRefreshesSavesThenRepeatsOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var saved atomic.Bool
	expiringPortal(t, b, &saved)
	c, err := New(b.cfg, b.stub.credentials(), func(_ context.Context, got Credentials) error {
		require.Equal(t, "a2", got.AccessToken)
		require.Equal(t, "r2", got.RefreshToken)
		require.Equal(t, int64(1767232800), got.ExpiresAt.Unix())
		saved.Store(true)
		return nil
	})
	require.NoError(t, err)
	_, err = c.Call(context.Background(), "crm.item.add", nil)
	require.NoError(t, err)
	require.Equal(t, 1, b.stub.callsOf("oauth"))
	require.Equal(t, 2, b.stub.callsOf("crm.item.add"))
	require.Equal(t, "r2", c.Credentials().RefreshToken)
}

func TestConcurrentExpiredCallsShareOneRefresh(t *testing.T) {
	t.Parallel()
	b := setup(t)
	expiringPortal(t, b, nil)
	c := b.client(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := c.Call(context.Background(), "profile", nil)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, 1, b.stub.callsOf("oauth"))
	require.Len(t, b.saved, 1)
	require.Equal(t, "r2", (<-b.saved).RefreshToken)
}

func TestFailedRefreshIsNotRetriedForTheSameToken(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stub.rest = func(w http.ResponseWriter, _ string, _ map[string]any) {
		reply(w, 401, `{"error":"expired_token"}`)
	}
	b.stub.oauth = func(w http.ResponseWriter, _ *http.Request) {
		reply(w, 400, `{"error":"invalid_grant","error_description":"Invalid grant"}`)
	}
	c := b.client(t)
	for range 3 {
		_, err := c.Call(context.Background(), "profile", nil)
		require.ErrorIs(t, err, ErrInvalidGrant)
		require.ErrorIs(t, err, ErrRefreshFailed)
	}
	require.Equal(t, 1, b.stub.callsOf("oauth"))
	require.Empty(t, b.saved)
}

func TestSecondExpiredTokenAfterRefreshIsReturned(t *testing.T) {
	t.Parallel()
	b := setup(t)
	expiringPortal(t, b, nil)
	b.stub.rest = func(w http.ResponseWriter, _ string, _ map[string]any) {
		reply(w, 401, `{"error":"expired_token"}`)
	}
	_, err := b.client(t).Call(context.Background(), "profile", nil)
	require.ErrorIs(t, err, ErrExpiredToken)
	require.Equal(t, 2, b.stub.callsOf("profile"), "repeated exactly once")
}

func TestUnsavedTokensBlockTheRepeatUntilStored(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var saved atomic.Bool
	expiringPortal(t, b, &saved)
	var attempts atomic.Int32
	c, err := New(b.cfg, b.stub.credentials(), func(context.Context, Credentials) error {
		if attempts.Add(1) == 1 {
			return errors.New("db down")
		}
		saved.Store(true)
		return nil
	})
	require.NoError(t, err)
	_, err = c.Call(context.Background(), "profile", nil)
	require.ErrorIs(t, err, ErrTokensNotSaved)
	require.Equal(t, 1, b.stub.callsOf("profile"))
	_, err = c.Call(context.Background(), "profile", nil)
	require.NoError(t, err)
	require.Equal(t, int32(2), attempts.Load())
	require.Equal(t, 1, b.stub.callsOf("oauth"))
}

func TestRefreshReplyForAnotherPortalIsRejected(t *testing.T) {
	t.Parallel()
	b := setup(t)
	expiringPortal(t, b, nil)
	b.stub.oauth = func(w http.ResponseWriter, _ *http.Request) {
		reply(w, 200, `{"access_token":"a2","refresh_token":"r2","member_id":"other"}`)
	}
	_, err := b.client(t).Call(context.Background(), "profile", nil)
	require.ErrorIs(t, err, ErrRefreshFailed)
	require.Empty(t, b.saved)
}

// A user token from a page comes without a refresh token: when it expires the call fails as
// expired and the OAuth server is never asked with an empty refresh_token.
func TestExpiredTokenWithoutRefreshTokenNeverAsksTheOAuthServer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	expiringPortal(t, b, nil)
	creds := b.stub.credentials()
	creds.RefreshToken = ""
	c, err := New(b.cfg, creds, func(context.Context, Credentials) error { return nil })
	require.NoError(t, err)
	_, err = c.Call(context.Background(), "profile", nil)
	require.ErrorIs(t, err, ErrExpiredToken)
	require.Zero(t, b.stub.callsOf("oauth"))
}
