package b24fake_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/bitrix/b24fake"
)

type testBundle struct {
	p       *b24fake.Portal
	srv     *httptest.Server
	access  string
	refresh string
}

func setup(t testing.TB, opts ...func(*b24fake.Options)) *testBundle {
	t.Helper()
	o := b24fake.Options{ClientID: "local.test.1", ClientSecret: "s3cret", Rate: 1e6, Burst: 1 << 30}
	for _, f := range opts {
		f(&o)
	}
	p := b24fake.New(o)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	p.SetBaseURL(srv.URL)
	access, refresh := p.InstallTokens()
	return &testBundle{p: p, srv: srv, access: access, refresh: refresh}
}

type response struct {
	status int
	body   map[string]any
	raw    string
}

func decode(t testing.TB, resp *http.Response) response {
	t.Helper()
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := response{status: resp.StatusCode, raw: string(raw)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		require.NoError(t, dec.Decode(&out.body), string(raw))
	}
	return out
}

// call POSTs a JSON body with the bundle's access token.
func (b *testBundle) call(t testing.TB, method string, body map[string]any) response {
	t.Helper()
	return b.callAs(t, b.access, method, body)
}

func (b *testBundle) callAs(t testing.TB, token, method string, body map[string]any) response {
	t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	if token != "" {
		body["auth"] = token
	}
	data, err := json.Marshal(body)
	require.NoError(t, err)
	resp, err := http.Post(b.srv.URL+"/rest/"+method+".json", "application/json", bytes.NewReader(data))
	require.NoError(t, err)
	return decode(t, resp)
}

// form POSTs form-encoded values (auth included) the way PHP clients do.
func (b *testBundle) form(t testing.TB, method string, vals url.Values) response {
	t.Helper()
	vals.Set("auth", b.access)
	resp, err := http.PostForm(b.srv.URL+"/rest/"+method, vals)
	require.NoError(t, err)
	return decode(t, resp)
}

// ok asserts a 200 envelope and returns its result.
func (r response) ok(t testing.TB) any {
	t.Helper()
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.NotContains(t, r.body, "error", r.raw)
	require.Contains(t, r.body, "time")
	return r.body["result"]
}

func (r response) failed(t testing.TB, status int, code string) {
	t.Helper()
	require.Equal(t, status, r.status, r.raw)
	require.Equal(t, code, r.body["error"], r.raw)
	require.Contains(t, r.body, "error_description")
}

func obj(t testing.TB, v any, path ...string) map[string]any {
	t.Helper()
	for _, k := range path {
		m, ok := v.(map[string]any)
		require.True(t, ok, "%v is not an object at %s", v, k)
		v = m[k]
	}
	m, ok := v.(map[string]any)
	require.True(t, ok, "%#v is not an object", v)
	return m
}

func list(t testing.TB, v any) []any {
	t.Helper()
	l, ok := v.([]any)
	require.True(t, ok, "%#v is not a list", v)
	return l
}

func num(t testing.TB, v any) int {
	t.Helper()
	n, ok := v.(json.Number)
	require.True(t, ok, "%#v is not a number", v)
	i, err := n.Int64()
	require.NoError(t, err)
	return int(i)
}

// addInvoice creates a smart invoice through REST and returns its id.
func (b *testBundle) addInvoice(t testing.TB, fields map[string]any) int {
	t.Helper()
	res := b.call(t, "crm.item.add", map[string]any{"entityTypeId": 31, "fields": fields}).ok(t)
	return num(t, obj(t, res, "item")["id"])
}

// ordered builds a JSON object that keeps its keys in the given order (batch commands run in
// the order they are sent; Go maps would sort them).
func ordered(kv ...string) json.RawMessage {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv[i])
		v, _ := json.Marshal(kv[i+1])
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return json.RawMessage(b.String())
}

type optionsAlias = b24fake.Options
