package sandbox

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"
)

// TestSandboxWalkInBrowser walks the sandbox as a manager would, in headless Chromium: open the
// deal from the home page, build 6 equal instalments and save, see the items in the portal view,
// issue an SBP QR, pay it on the bank page, see the instalment paid, its portal item «Оплачен»
// and the deal's debt lowered, find the client's receipt e-mail in the mailbox, move the clock
// 40 days and see the overdue reminder. Screenshots go to artifacts/.
func TestSandboxWalkInBrowser(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := newBrowser(t)
	w := walker{t: t, ctx: ctx, b: b}

	// Home → the deal card as Иван Менеджеров (the portal's page framing our tab).
	w.run(chromedp.Navigate(b.sb.URL()), chromedp.WaitVisible(chromedp.CSS(`#entries`)))
	w.shot("sandbox-home.png")
	w.run(chromedp.Click(chromedp.CSS(`#entries tr[data-kind="deal"][data-id="1"] a[data-user="1"]`)))
	in := w.frame()
	w.run(chromedp.Click(chromedp.CSS(`#start`), in), chromedp.WaitVisible(chromedp.CSS(`#preview tbody tr`), in))
	first := b.sb.clock.Now().In(moscow).AddDate(0, 0, 7).Format("2006-01-02") // the first payment in a week
	w.run(chromedp.SetValue(chromedp.CSS(`#f-first`), first, in))
	w.typeInTab(`#f-count`, "6")
	w.run(chromedp.WaitVisible(chromedp.CSS(`#preview tbody tr:nth-child(6)`), in), chromedp.WaitEnabled(chromedp.CSS(`#save`), in),
		chromedp.Click(chromedp.CSS(`#save`), in), chromedp.WaitVisible(chromedp.CSS(`#instalments tbody tr:nth-child(6)`), in),
		chromedp.WaitNotVisible(chromedp.CSS(`#sync-progress`), in)) // the outbox pushes the items in the background
	require.Contains(t, w.text(`tr[data-seq="6"] .sync-cell`, in), "передан")
	require.Equal(t, "20\u202f000,00\u00a0₽", w.text(`tr[data-seq="1"] td:nth-child(3)`, in))
	w.shot("sandbox-tab-schedule.png")

	// The portal view shows one smart-process item per instalment.
	w.run(chromedp.Navigate(b.url+"/sandbox/portal"), chromedp.WaitVisible(chromedp.CSS(`.items`)))
	require.Equal(t, 6, w.count(`[data-type] tr[data-test="spa-item"]`))
	require.Contains(t, w.text(`#entities tr[data-kind="deal"][data-id="1"] .debt`, nil), "120\u00a0000,00\u00a0₽")

	// Back in the card: «QR СБП» on the first instalment gives the pay link.
	w.run(chromedp.Navigate(b.sb.frameURL("deal", 1, 2)))
	in = w.frame()
	w.run(chromedp.WaitVisible(chromedp.CSS(`tr[data-seq="1"] [data-action="menu"]`), in), chromedp.Click(chromedp.CSS(`tr[data-seq="1"] [data-action="menu"]`), in),
		chromedp.Click(chromedp.CSS(`tr[data-seq="1"] [data-action="pay-sbp"]`), in), chromedp.WaitVisible(chromedp.CSS(`[data-test="pay-link"]`), in))
	link, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`[data-test="pay-link"]`), in))
	require.NoError(t, err)
	require.Contains(t, link, "/pay/")
	w.run(chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`[data-state="pay"]`)))
	w.shot("sandbox-client-qr.png")

	// The bank page: «Оплатить» sends the bank's signed callback.
	w.run(chromedp.Navigate(b.url+"/sandbox/pay/"), chromedp.Click(chromedp.CSS(`tr[data-test="open-payment"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`#pay`)))
	w.shot("sandbox-bank-page.png")
	w.run(chromedp.Click(chromedp.CSS(`#pay`)), chromedp.WaitVisible(chromedp.CSS(`#notice`)))
	require.Equal(t, "Оплачено: 20\u00a0000,00\u00a0₽", w.text(`#notice`, nil))
	require.Equal(t, "оплачен", w.text(`#pay-status`, nil))

	// The portal: the item is «Оплачен» (the pipeline's success stage), the deal's debt is 100 000.
	w.run(chromedp.Navigate(b.url+"/sandbox/portal"), chromedp.WaitVisible(chromedp.CSS(`.items`)))
	require.Contains(t, w.text(`[data-type]`, nil), paidStage)
	require.Contains(t, w.text(`#entities tr[data-kind="deal"][data-id="1"] .debt`, nil), "100\u00a0000,00\u00a0₽")
	require.Contains(t, w.text(`#entities tr[data-kind="deal"][data-id="1"] .timeline`, nil), "через СБП")
	w.shot("sandbox-portal-paid.png")

	// The tab shows the instalment paid; the client got a receipt e-mail.
	w.run(chromedp.Navigate(b.sb.frameURL("deal", 1, 2)))
	in = w.frame()
	w.run(chromedp.WaitVisible(chromedp.CSS(`tr[data-seq="1"] .badge`), in))
	require.Equal(t, "Оплачен", w.text(`tr[data-seq="1"] .badge`, in))
	w.run(chromedp.Navigate(b.url+"/sandbox/mailbox"), chromedp.WaitVisible(chromedp.CSS(`#letters`)))
	for w.count(`tr[data-test="letter"]`) == 0 { // the outbox mails it in the background
		time.Sleep(100 * time.Millisecond)
		w.run(chromedp.Reload())
	}
	require.Contains(t, w.text(`#letters`, nil), "buh@romashka.example.ru")
	require.Contains(t, w.text(`#letters`, nil), "Платёж 20\u00a0000,00\u00a0₽ получен")
	w.run(chromedp.Click(chromedp.CSS(`tr[data-test="letter"] a`)), chromedp.WaitVisible(chromedp.CSS(`#letter`)))
	w.shot("sandbox-mail.png")

	// 40 days later the second instalment is overdue: the manager is told, the tab says so.
	w.run(chromedp.Navigate(b.url+"/sandbox/portal"), chromedp.WaitVisible(chromedp.CSS(`#advance-days`)))
	w.run(chromedp.SetValue(chromedp.CSS(`#advance-days`), "40"), chromedp.Click(chromedp.CSS(`#advance`)),
		chromedp.WaitVisible(chromedp.CSS(`#clock[data-ahead-days="40"]`))) // the page after the move
	require.Contains(t, w.text(`.notices[data-user="2"]`, nil), "Платёж №2 на 20\u00a0000,00\u00a0₽ по сделке «Поставка оборудования» просрочен")
	require.Contains(t, w.text(`[data-type]`, nil), "Просрочен")
	w.shot("sandbox-overdue.png")
	w.run(chromedp.Navigate(b.sb.frameURL("deal", 1, 2)))
	in = w.frame()
	w.run(chromedp.WaitVisible(chromedp.CSS(`tr[data-seq="2"] .badge`), in))
	require.Equal(t, "Просрочен", w.text(`tr[data-seq="2"] .badge`, in))
	w.shot("sandbox-tab-overdue.png")
}

type walker struct {
	t   *testing.T
	ctx context.Context
	b   *bundle
}

func (w walker) run(actions ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	require.NoError(w.t, chromedp.Do(w.ctx, actions...))
}

// frame waits for the portal page's iframe to have received the placement POST and returns the
// query option that looks inside it.
func (w walker) frame() chromedp.QueryOption {
	w.t.Helper()
	for {
		loads, err := chromedp.Run(w.ctx, chromedp.Evaluate[int](`window.tabLoads || 0`))
		require.NoError(w.t, err)
		if loads > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	nodes, err := chromedp.Run(w.ctx, chromedp.Nodes(chromedp.CSS(`iframe#tab`)))
	require.NoError(w.t, err)
	return chromedp.FromNode(nodes[0])
}

func (w walker) typeInTab(sel, text string) {
	w.t.Helper()
	in := w.frame()
	w.run(chromedp.Focus(chromedp.CSS(sel), in), chromedp.SendKeys(chromedp.CSS(sel), kb.End+strings.Repeat("\b", 4)+text, in))
}

func (w walker) text(sel string, in chromedp.QueryOption) string {
	w.t.Helper()
	var opts []chromedp.QueryOption
	if in != nil {
		opts = append(opts, in)
	}
	s, err := chromedp.Run(w.ctx, chromedp.Text(chromedp.CSS(sel), opts...))
	require.NoError(w.t, err, sel)
	return strings.TrimSpace(s)
}

func (w walker) count(sel string) int {
	w.t.Helper()
	n, err := chromedp.Run(w.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+"`"+sel+"`"+`).length`))
	require.NoError(w.t, err)
	return n
}

// shot keeps a PNG of the whole page in artifacts/ (B24PAY_ARTIFACTS overrides the folder).
func (w walker) shot(name string) {
	w.t.Helper()
	png, err := chromedp.Run(w.ctx, chromedp.FullScreenshot(100)) // quality 100 = PNG
	require.NoError(w.t, err)
	dir := os.Getenv("B24PAY_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "artifacts")
	}
	require.NoError(w.t, os.MkdirAll(dir, 0o755))
	require.NoError(w.t, os.WriteFile(filepath.Join(dir, name), png, 0o644))
}

func newBrowser(t *testing.T) context.Context {
	path := os.Getenv("B24PAY_CHROMIUM")
	if path == "" {
		var err error
		if path, err = exec.LookPath("chromium"); err != nil {
			t.Fatal("Debian's chromium is needed for browser tests: run scripts/test.sh, which installs it")
		}
	}
	opts := append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...)
	opts = append(opts, chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		// Keep the cross-origin tab frame in this process so the test can look inside it.
		chromedp.Flag("disable-site-isolation-trials", true), chromedp.Flag("disable-features", "IsolateOrigins,site-per-process"),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("lang", "ru-RU"), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1300))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 10*time.Minute) // a safety net: the walk is long under -race on a loaded machine
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}
