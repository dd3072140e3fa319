package app

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// bitrixFrame is a stand-in for the deal card: like Bitrix24 it POSTs the placement form into an
// iframe on another origin and counts the frame's loads.
var bitrixFrame = template.Must(template.New("frame").Parse(`<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Сделка — Битрикс24</title>
<style>body{margin:0;font:14px sans-serif;background:#eef2f4}header{padding:14px 22px;background:#2066b0;color:#fff}
iframe{display:block;border:0;margin:14px 22px;width:1100px;height:1150px;background:#fff}</style></head>
<body onload="submitted=true;document.forms[0].submit()">
<header>Сделка «Поставка оборудования» · вкладка «График платежей»</header>
<form method="POST" action="{{.Action}}" target="tab">{{range $k, $vs := .Fields}}{{range $vs}}
<input type="hidden" name="{{$k}}" value="{{.}}">{{end}}{{end}}</form>
<iframe name="tab" id="tab" onload="if(window.submitted){window.tabLoads=(window.tabLoads||0)+1}"></iframe>
<script>/* Like Bitrix24, give the frame the size the app's SDK asks for (see bx24Stub). */
addEventListener('message',function(e){var s=e.data&&e.data.bx24Resize;if(s){var f=document.getElementById('tab');f.style.width=s[0]+'px';f.style.height=s[1]+'px';}});</script>
</body></html>`))

func chromiumPath(t *testing.T) string {
	if p := os.Getenv("B24PAY_CHROMIUM"); p != "" {
		return p
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("Debian's chromium is needed for browser tests: run scripts/test.sh, which installs it")
	}
	return p
}

func artifactsDir(t *testing.T) string {
	dir := os.Getenv("B24PAY_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "artifacts")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

func newBrowser(t *testing.T) context.Context {
	opts := append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...)
	opts = append(opts, chromedp.ExecPath(chromiumPath(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		// Keep the cross-origin tab frame in this process so the test can look inside it.
		chromedp.Flag("disable-site-isolation-trials", true), chromedp.Flag("disable-features", "IsolateOrigins,site-per-process"),
		// No network here: make the BX24 SDK's host fail at once instead of waiting on DNS.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("lang", "ru-RU"), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1180, 1300))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// TestTabInBrowser builds and saves a 12-instalment schedule in headless Chromium inside a
// Bitrix24-like frame, waits until every row reached Bitrix24 and keeps a screenshot.
func TestTabInBrowser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	ctx, in := openTabInBrowser(t, e)
	text := func(sel string) string {
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), in))
		require.NoError(t, err, sel)
		return v
	}

	// «Составить график» opens the form prefilled from the deal (120 000 ₽, 12 monthly payments);
	// the preview follows.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#start`), in),
		chromedp.WaitVisible(chromedp.CSS(`#preview tbody tr:nth-child(12)`), in)))
	total, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#f-total`), in))
	require.NoError(t, err)
	require.Equal(t, "120 000,00", total, "the sum is shown grouped")
	require.Equal(t, "10\u202f000,00\u00a0₽", text(`#preview tbody tr:nth-child(1) td:nth-child(3)`))
	screenshot(t, ctx, "tab-builder.png")

	// A wrong value shows its error next to the field and disables saving; fixing it re-enables.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#f-count`), kb.End+"\b\b\b0", in),
		chromedp.WaitVisible(chromedp.CSS(`[data-error="count"]`), in),
	))
	require.Equal(t, "обязательное поле", text(`[data-error="count"]`), "the reason sits by the field, without repeating its name")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#f-count`), kb.End+"\b\b\b12", in),
		chromedp.WaitNotVisible(chromedp.CSS(`[data-error="count"]`), in),
		chromedp.WaitEnabled(chromedp.CSS(`#save`), in),
		chromedp.Click(chromedp.CSS(`#save`), in),
		chromedp.WaitVisible(chromedp.CSS(`#instalments tbody tr:nth-child(12)`), in),
	))

	// The outbox pushes the items; the page polls and shows each row's final state.
	e.drain()
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitNotVisible(chromedp.CSS(`#sync-progress`), in)))
	rows, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll(`tr[data-test="instalment-row"]`), in))
	require.NoError(t, err)
	require.Len(t, rows, 12)
	require.Equal(t, "Запланирован", text(`tr[data-seq="1"] .badge`))
	require.Contains(t, text(`tr[data-seq="1"] .sync-cell`), "передан")
	require.Equal(t, "10\u202f000,00\u00a0₽", text(`tr[data-seq="12"] td:nth-child(3)`))
	require.Equal(t, "120\u202f000,00\u00a0₽", text(`#sum-remaining`))
	require.Contains(t, text(`#history`), "График создан: 12 платежей")
	require.Len(t, e.spaItems(), 12)

	require.False(t, visible(t, ctx, in, `#sum-over-wrap`), "no overpayment, no overpayment block")
	screenshot(t, ctx, "tab-schedule.png")
}

// openTabInBrowser opens the deal's tab inside a Bitrix24-like frame in headless Chromium and
// returns the browser and the query option that looks inside the tab's frame.
func openTabInBrowser(t *testing.T, e *e2e) (context.Context, chromedp.QueryOption) {
	action, fields := e.PlacementForm(e.dealID, 2)
	return openPlacementInBrowser(t, e, action, fields)
}

// openPlacementInBrowser opens a placement form (a deal's or a lead's tab) the same way.
// setup runs on the new browser before anything is loaded (e.g. withBX24Stub).
func openPlacementInBrowser(t *testing.T, e *e2e, action string, fields url.Values, setup ...func(context.Context)) (context.Context, chromedp.QueryOption) {
	// The deal card is a page of the configured portal: the tab's CSP lets only that origin frame it.
	e.portalPages.HandleFunc("/crm/deal/details/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = bitrixFrame.Execute(w, map[string]any{"Action": action, "Fields": fields})
	})
	ctx := newBrowser(t)
	for _, f := range setup {
		f(ctx)
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(e.portalURL+"/crm/deal/details/1/")))
	return ctx, chromedp.FromNode(waitForFrame(t, ctx))
}

// screenshot keeps a PNG of the whole page as a test artifact.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 = PNG
	require.NoError(t, err)
	path := filepath.Join(artifactsDir(t), name)
	require.NoError(t, os.WriteFile(path, shot, 0o644))
	t.Logf("screenshot: %s", path)
}

// visible tells whether an element inside the frame takes up space on the page.
func visible(t *testing.T, ctx context.Context, in chromedp.QueryOption, sel string) bool {
	t.Helper()
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(sel), in))
	require.NoError(t, err)
	box, err := chromedp.Run(ctx, chromedp.Dimensions(chromedp.NodeIDs{nodes[0].NodeID}))
	return err == nil && box != nil && box.Width > 0
}

// waitForFrame waits for the tab to load in the iframe and returns the iframe's node.
func waitForFrame(t *testing.T, ctx context.Context) *chromedp.Node {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		loads, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.tabLoads || 0`))
		if err == nil && loads > 0 {
			nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(`iframe#tab`)))
			require.NoError(t, err)
			return nodes[0]
		}
		time.Sleep(50 * time.Millisecond)
	}
	body, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	t.Fatalf("the tab never loaded in its frame: %s", strings.TrimSpace(body))
	return nil
}
