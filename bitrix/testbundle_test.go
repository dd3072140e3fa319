package bitrix

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// portalStub is a tiny portal: per-method handlers on /rest/ and an OAuth
// token endpoint on /oauth/token/.
type portalStub struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	calls  map[string]int
	bodies map[string][]map[string]any
	rest   func(w http.ResponseWriter, method string, body map[string]any)
	oauth  func(w http.ResponseWriter, r *http.Request)
}

type testBundle struct {
	stub  *portalStub
	saved chan Credentials
	cfg   Config
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	s := &portalStub{t: t, calls: map[string]int{}, bodies: map[string][]map[string]any{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return &testBundle{
		stub:  s,
		saved: make(chan Credentials, 100),
		cfg: Config{
			ClientID: "local.1", ClientSecret: "secret", Rate: 1000, Burst: 1000,
			RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond, OperationPause: 20 * time.Millisecond,
		},
	}
}

func (s *portalStub) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/oauth/token/" {
		s.count("oauth", nil)
		s.oauth(w, r)
		return
	}
	method := r.URL.Path[len("/rest/"):]
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		s.t.Errorf("body of %s is not JSON: %v", method, err)
	}
	s.count(method, body)
	s.rest(w, method, body)
}

func (s *portalStub) count(method string, body map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[method]++
	s.bodies[method] = append(s.bodies[method], body)
}

func (s *portalStub) callsOf(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

func (s *portalStub) credentials() Credentials {
	return Credentials{
		MemberID: "m1", ClientEndpoint: s.srv.URL + "/rest/", ServerEndpoint: s.srv.URL + "/rest/",
		AccessToken: "a1", RefreshToken: "r1",
	}
}

func (b *testBundle) client(t *testing.T, opts ...Option) *Client {
	t.Helper()
	c, err := New(b.cfg, b.stub.credentials(), func(_ context.Context, c Credentials) error {
		b.saved <- c
		return nil
	}, opts...)
	require.NoError(t, err)
	return c
}

func reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}
