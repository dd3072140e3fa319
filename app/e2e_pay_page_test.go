package app

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"b24pay/schedules"
	"b24pay/store"
)

// Issue 18, item 10: the pay page names the seller (B24PAY_MERCHANT_NAME, else the portal), the
// buyer with its ИНН/КПП, and which instalment it is with its due date, next to the deadline; the
// Invoicebox link is printed in full on paper.
func TestPayPageShowsThePartiesAndTheInstalment(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withInvoicebox(t), withEnv("B24PAY_MERCHANT_NAME", "ИП Иванов Иван Иванович"))
		token, s := e.payable()
		second := s.Instalments[1]
		pay := e.pay(token, second.ID, "invoicebox")
		status, _, page := get(t, e.url+pay.Payment.PayURL)
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, page, `data-test="seller">ИП Иванов Иван Иванович<`)
		require.Contains(t, page, "ИНН 7707083893, КПП 770701001")
		require.Contains(t, page, `data-test="part">Платёж 2 из 12, срок `+schedules.ISODateRU(second.Due)+`<`)
		require.Contains(t, page, `data-test="deadline">Оплатить до`)
		require.Contains(t, page, "Ссылка для оплаты: "+pay.Payment.ProviderURL)
	})
}

func TestPayPageNamesThePortalWithoutAMerchantName(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withInvoicebox(t))
		token, s := e.payable()
		pay := e.pay(token, s.Instalments[0].ID, "invoicebox")
		_, _, page := get(t, e.url+pay.Payment.PayURL)
		p, err := e.app.portals.Get(t.Context(), e.portal.MemberID())
		require.NoError(t, err)
		require.Contains(t, page, `data-test="seller">`+p.Domain+`<`)
		require.Contains(t, page, `data-test="part">Платёж 1 из 12`)
	})
}

// TestPayPageInBrowser keeps screenshots of the pay page on a phone and a desktop, where it is
// centred, and prints it.
func TestPayPageInBrowser(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withInvoicebox(t))
	token, s := e.payable()
	pay := e.pay(token, s.Instalments[0].ID, "invoicebox")
	ctx := newBrowser(t)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(e.url+pay.Payment.PayURL),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="parties"]`))))
	for _, w := range []int64{390, 1000} {
		require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(w, 844)))
		gap, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(function(){var r=document.querySelector('main').getBoundingClientRect();
			return [r.left, document.documentElement.clientWidth-r.right];})()`))
		require.NoError(t, err)
		require.InDelta(t, gap[0], gap[1], 1, "centred at %d px", w)
		shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(artifactsDir(t), fmt.Sprintf("pay-page-%dx844.png", w)), shot, 0o644))
	}

	// On paper: the parties and the full Invoicebox link, no button.
	emulatePrint(t, ctx)
	paper, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(function(){function shown(s){var n=document.querySelector(s);return !!n&&n.getClientRects().length>0;}
		return ['[data-test="parties"]','.print-link','button'].filter(shown).concat([document.querySelector('.print-link').innerText]);})()`))
	require.NoError(t, err)
	require.Equal(t, []string{`[data-test="parties"]`, ".print-link", "Ссылка для оплаты: " + pay.Payment.ProviderURL}, paper)
	printPDF(t, ctx, "pay-page-print.pdf")
}
