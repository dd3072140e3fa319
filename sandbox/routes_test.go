package sandbox

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The README's control-API table names every API route, with its method.
func TestREADMEListsEveryControlRoute(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	readme := strings.ReplaceAll(string(raw), `\|`, "|")
	placeholder := regexp.MustCompile(`\{[a-z]+\}`)
	sb := &Sandbox{}
	for _, r := range sb.apiRoutes() {
		method, path, _ := strings.Cut(r.pattern, " ")
		quoted := strings.ReplaceAll(regexp.QuoteMeta(placeholder.ReplaceAllString(path, "PARAM")), "PARAM", "[^/`]+")
		line := regexp.MustCompile("`" + method + " " + quoted + "`")
		if strings.Contains(path, "{action}") { // one row per action
			for _, action := range []string{ActionPay, ActionDecline, ActionPartPay} {
				require.Contains(t, readme, "`"+method+" "+strings.Replace(path, "{action}", action, 1)+"`", r.pattern)
			}
			continue
		}
		require.Regexp(t, line, readme, r.pattern)
	}
}

// Every state-changing sandbox route refuses a request a page of another origin sends (the
// sandbox has no login: it is a local tool, and a foreign page must not drive it).
func TestEveryPostRouteRefusesAnotherOrigin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	placeholder := regexp.MustCompile(`\{[a-z]+\}`)
	for _, r := range append(b.sb.apiRoutes(), b.sb.pageRoutes()...) {
		method, path, _ := strings.Cut(r.pattern, " ")
		if method != http.MethodPost {
			continue
		}
		req, err := http.NewRequest(method, b.url+placeholder.ReplaceAllString(path, "x"), strings.NewReader(`{}`))
		require.NoError(t, err)
		req.Header.Set("Origin", "https://evil.example")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusForbidden, resp.StatusCode, r.pattern)
	}
}
