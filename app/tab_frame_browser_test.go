package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// bx24Stub stands in for Bitrix24's JS SDK (api.bitrix24.com/api/v1/) with the calls the tab makes,
// as sdk/bx24-js-sdk/ documents them: resizeWindow asks the card (bitrixFrame) to size the frame,
// openPath is recorded on the tab's <html> for the test to read.
const bx24Stub = `window.BX24 = {
  init: function (cb) { setTimeout(cb, 0); },
  resizeWindow: function (w, h, cb) { parent.postMessage({ bx24Resize: [parseInt(w, 10), parseInt(h, 10)] }, '*'); if (cb) cb(); },
  fitWindow: function (cb) { if (cb) cb({}); },
  openPath: function (path) { document.documentElement.setAttribute('data-opened-path', path); }
};`

// withBX24Stub answers the tab's request for the Bitrix24 SDK with bx24Stub, as if the tab ran in
// a real portal (the test browser has no network).
func withBX24Stub(t *testing.T) func(context.Context) {
	return func(ctx context.Context) {
		paused := chromedp.Events(ctx, fetch.RequestPaused)
		require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
			_, err := cdp.Call(ctx, target, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*//api.bitrix24.com/api/v1/*"}}})
			return err
		})))
		go func() {
			for ev, err := range paused {
				if err != nil {
					return
				}
				_ = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
					_, err := cdp.Call(ctx, target, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: 200,
						ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "application/javascript"}}, Body: []byte(bx24Stub)})
					return err
				}))
			}
		}()
	}
}

// frameFit is the tab's frame height on the card and what the tab's content needs.
type frameFit struct {
	Frame   int  `json:"-"`       // the iframe's height as the card set it
	Content int  `json:"content"` // the tab's content height
	Scrolls bool `json:"scrolls"` // the tab has a scrollbar of its own
}

// waitFit waits until the card has sized the frame to the tab's content and returns the sizes.
func waitFit(t *testing.T, ctx context.Context) frameFit {
	t.Helper()
	var f frameFit
	require.Eventually(t, func() bool {
		frame, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Math.round(document.getElementById('tab').getBoundingClientRect().height)`))
		require.NoError(t, err)
		evalInTab(t, ctx, `({content:Math.ceil(document.body.getBoundingClientRect().height),
			scrolls:document.documentElement.scrollHeight>document.documentElement.clientHeight})`, &f)
		f.Frame = frame
		return f.Frame == f.Content
	}, 10*time.Second, 20*time.Millisecond, "the frame never matched the content")
	return f
}

// TestTabFitsItsFrameInBrowser checks item 8 of issue 18 inside a Bitrix24-like card with the SDK
// present: the frame follows the content, shrinking as well as growing, so the tab never shows a
// scrollbar of its own; record ids open their cards through BX24.openPath; no «outside Bitrix24» note.
func TestTabFitsItsFrameInBrowser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, 200, status)
	action, fields := e.PlacementForm(e.dealID, 2)
	ctx, in := openPlacementInBrowser(t, e, action, fields, withBX24Stub(t))
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="empty-state"]`), in)))

	empty := waitFit(t, ctx)
	require.False(t, empty.Scrolls)
	require.Less(t, empty.Frame, 600, "the card's 1150 px frame shrinks to the empty state (fitWindow alone never shrinks)")
	require.False(t, visible(t, ctx, in, `#outside-note`), "inside Bitrix24 there is no «outside» note")

	clickInTab(t, ctx, in, `#start`)
	typeInTab(t, ctx, in, `#f-count`, "24")
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#preview tbody tr:nth-child(24)`), in)))
	builder := waitFit(t, ctx)
	require.False(t, builder.Scrolls)
	require.Greater(t, builder.Frame, 1150, "the frame grows past the card's first height with 24 preview rows")

	clickInTab(t, ctx, in, `#save`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#instalments tbody tr:nth-child(24)`), in)))
	e.drain()
	waitText(t, ctx, in, `tr[data-seq="1"] .sync-cell a`, "№1")
	require.False(t, waitFit(t, ctx).Scrolls)

	// A record id opens its card in Bitrix24's slider, not in a new browser tab.
	clickInTab(t, ctx, in, `tr[data-seq="1"] .sync-cell a[data-test="card-link"]`)
	var opened string
	evalInTab(t, ctx, `document.documentElement.getAttribute('data-opened-path')`, &opened)
	require.Regexp(t, `^/crm/type/\d+/details/1/$`, opened)
}

// TestTabPrintsTheScheduleInBrowser checks the printed schedule (issue 18): under print media the
// deal, the client, the totals and every instalment are there in black on white, and no control,
// menu or Bitrix24 sync column is. The PDF Chromium prints is kept as an artefact.
func TestTabPrintsTheScheduleInBrowser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, 200, status)
	ctx, in := openTabInBrowser(t, e)
	clickInTab(t, ctx, in, `#start`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#preview tbody tr:nth-child(12)`), in)))
	clickInTab(t, ctx, in, `#save`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#instalments tbody tr:nth-child(12)`), in)))
	e.drain()
	waitText(t, ctx, in, `tr[data-seq="12"] .sync-cell a`, "№12")
	require.True(t, visible(t, ctx, in, `#print`), "a «Распечатать график» button on screen")

	emulatePrint(t, ctx)
	var printed struct {
		Shown, Hidden []string
		Rows          int
		Colour        string
	}
	evalInTab(t, ctx, `(function(){function shown(n){return n.getClientRects().length>0&&getComputedStyle(n).visibility!=='hidden';}
		var want=['#owner-title','#client','#sum-total','#sum-remaining','#instalments','#history'],out={Shown:[],Hidden:[],Rows:0};
		want.forEach(function(s){if(shown(document.querySelector(s)))out.Shown.push(s);});
		document.querySelectorAll('button, .menu, .sync-cell, #time-limit, #outside-note').forEach(function(n){if(shown(n))out.Hidden.push(n.id||n.className||n.tagName);});
		out.Rows=Array.from(document.querySelectorAll('#instalments tbody tr')).filter(shown).length;
		out.Colour=getComputedStyle(document.querySelector('#instalments td')).color;return out;})()`, &printed)
	require.Equal(t, []string{"#owner-title", "#client", "#sum-total", "#sum-remaining", "#instalments", "#history"}, printed.Shown)
	require.Empty(t, printed.Hidden, "no control prints")
	require.Equal(t, 12, printed.Rows)
	require.Equal(t, "rgb(0, 0, 0)", printed.Colour)
	screenshot(t, ctx, "tab-print-media.png")

	printPDF(t, ctx, "tab-print.pdf")
}

// emulatePrint makes the page's CSS apply its print rules, as when it is printed.
func emulatePrint(t *testing.T, ctx context.Context) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	})))
}

// printPDF prints the page with Chromium and keeps the PDF as an artefact.
func printPDF(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	pdf, err := chromedp.Run(ctx, chromedp.Action[[]byte](func(ctx context.Context, target *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, target, page.PrintToPDF, page.PrintToPDFParams{})
		return res.Data, err
	}))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(pdf), "%PDF"), "Chromium printed a PDF")
	path := filepath.Join(artifactsDir(t), name)
	require.NoError(t, os.WriteFile(path, pdf, 0o644))
	t.Logf("printed: %s", path)
}
