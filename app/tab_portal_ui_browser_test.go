package app

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// portalUIStub serves stand-ins for the portal's ui stylesheets on the fake portal's origin and
// records which were asked for. The buttons sheet paints the primary button a colour b24pay.css never
// uses, so the test sees the portal's sheet applied.
type portalUIStub struct {
	mu        sync.Mutex
	requested []string
}

const portalPrimary = "rgb(18, 52, 86)"

func (s *portalUIStub) serve(e *e2e) {
	for _, path := range portalUISheetPaths {
		e.portalPages.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			s.mu.Lock()
			s.requested = append(s.requested, r.URL.Path)
			s.mu.Unlock()
			w.Header().Set("Content-Type", "text/css")
			if strings.Contains(r.URL.Path, "buttons") {
				_, _ = w.Write([]byte(".ui-btn-primary { background-color: " + portalPrimary + "; }"))
			}
		})
	}
}

// newPortalUIE2E is an installed service whose fake portal serves portalUIStub.
func newPortalUIE2E(t *testing.T) (*e2e, *portalUIStub) {
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	stub := &portalUIStub{}
	stub.serve(e)
	return e, stub
}

func (s *portalUIStub) paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requested...)
}

// portalUISheetPaths are the paths templates/portal_ui.go names, written out so the test fails if
// they change without the test knowing.
var portalUISheetPaths = []string{
	"/bitrix/js/ui/design-tokens/dist/ui.design-tokens.min.css",
	"/bitrix/js/ui/buttons/dist/ui.buttons.bundle.min.css",
	"/bitrix/js/ui/forms/ui.forms.min.css",
	"/bitrix/js/ui/alerts/ui.alerts.min.css",
}

// TestTabTakesThePortalUIStylesInsideBitrix24InBrowser checks item 8 of issue 18: inside Bitrix24
// (the SDK present) the tab loads the portal's ui stylesheets from the portal's origin and they
// apply to the same class names; a stylesheet from any other origin is refused by the CSP.
func TestTabTakesThePortalUIStylesInsideBitrix24InBrowser(t *testing.T) {
	t.Parallel()
	e, stub := newPortalUIE2E(t)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		_, _ = w.Write([]byte(".ui-btn-primary { color: rgb(1, 2, 3) !important; }"))
	}))
	t.Cleanup(other.Close)

	action, fields := e.PlacementForm(e.dealID, 2)
	ctx, in := openPlacementInBrowser(t, e, action, fields, withBX24Stub(t))
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="empty-state"]`), in)))

	var got struct {
		Links      []string
		Background string
	}
	evalInTab(t, ctx, `new Promise(function(resolve){var n=0;(function poll(){
		var bg=getComputedStyle(document.getElementById('start')).backgroundColor;
		if(bg===`+"'"+portalPrimary+"'"+`||++n>400)resolve({Links:Array.from(document.querySelectorAll('link[data-portal-ui]')).map(function(l){return l.href;}),Background:bg});
		else setTimeout(poll,25);})();})`, &got)
	want := make([]string, len(portalUISheetPaths))
	for i, p := range portalUISheetPaths {
		want[i] = e.portalURL + p
	}
	require.Equal(t, want, got.Links, "the four ui sheets, from the portal's origin only")
	require.Equal(t, portalPrimary, got.Background, "the portal's ui.buttons applies to our ui-btn-primary")
	require.ElementsMatch(t, portalUISheetPaths, stub.paths(), "the browser fetched each sheet from the portal")
	screenshot(t, ctx, "tab-portal-ui.png")

	// Any other origin's stylesheet is refused: style-src names only ours and the portal.
	var colour string
	evalInTab(t, ctx, `new Promise(function(resolve){var l=document.createElement('link');l.rel='stylesheet';l.href=`+"'"+other.URL+"/x.css'"+`;
		l.onload=l.onerror=function(){resolve(getComputedStyle(document.getElementById('start')).color);};document.head.appendChild(l);})`, &colour)
	require.NotEqual(t, "rgb(1, 2, 3)", colour, "a stylesheet from another origin must not apply")
}

// TestTabKeepsItsLocalUIStylesOutsideBitrix24InBrowser: without the SDK (opened outside Bitrix24)
// the tab asks the portal for nothing and renders with b24pay.css's copy of the ui kit.
func TestTabKeepsItsLocalUIStylesOutsideBitrix24InBrowser(t *testing.T) {
	t.Parallel()
	e, stub := newPortalUIE2E(t)
	ctx, in := openTabInBrowser(t, e)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="empty-state"]`), in)))
	require.True(t, visible(t, ctx, in, `#outside-note`))

	var got struct {
		Links                     int
		Background, Colour, Class string
	}
	evalInTab(t, ctx, `(function(){var s=getComputedStyle(document.getElementById('start'));
		return {Links:document.querySelectorAll('link[data-portal-ui]').length,Background:s.backgroundColor,Colour:s.color,
			Class:document.getElementById('start').className};})()`, &got)
	require.Zero(t, got.Links)
	require.Equal(t, "ui-btn ui-btn-primary", got.Class, "the ui kit's class names")
	require.Equal(t, "rgb(32, 102, 176)", got.Background, "b24pay.css's ui-btn-primary")
	require.Equal(t, "rgb(255, 255, 255)", got.Colour)
	require.Empty(t, stub.paths(), "outside Bitrix24 nothing is fetched from the portal")
}
