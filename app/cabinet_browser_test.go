package app

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/store"
)

// TestCabinetInBrowser is the client's story in Chromium: register as the deal's company, open the
// link from the captured mail, sign in, see the manager's schedule, pay the first instalment by
// SBP through the fake bank and see it paid. Every page is kept at phone and desktop widths.
func TestCabinetInBrowser(t *testing.T) {
	t.Parallel()
	e := newCabinetE2E(t, store.SQLite, withSBP(t))
	s := e.managerSchedule(t)

	e.emailOnCompany(t, "anna@romashka.ru")
	ctx := newBrowser(t)
	form := companyForm("anna@romashka.ru")
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(e.url+"/cabinet/register"),
		chromedp.Click(chromedp.CSS(`input[name="kind"][value="company"]`))))
	for _, f := range []string{"email", "name", "phone", "legal_name", "inn", "kpp", "legal_address", "password"} {
		require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`#f-`+f), form.Get(f))), f)
	}
	cabinetShots(t, ctx, "cabinet-register")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.cab-card p`))))
	require.Contains(t, pageText(t, ctx), "Проверьте почту")

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(e.url+e.linkTo(t, "anna@romashka.ru", "verify")),
		chromedp.WaitVisible(chromedp.CSS(`#f-password`))))
	require.Contains(t, pageText(t, ctx), "Адрес подтверждён")
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`#f-email`), "anna@romashka.ru"),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), form.Get("password")+"\r"),
		chromedp.WaitVisible(chromedp.CSS(`.cab-tiles`))))
	require.Contains(t, pageText(t, ctx), "10\u00a0000,00")
	cabinetShots(t, ctx, "cabinet-overview")

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`nav a[href="/cabinet/schedules"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#inst-`+itoa(s.Schedule.Instalments[0].ID)))))
	require.Contains(t, pageText(t, ctx), "Поставка оборудования")
	cabinetShots(t, ctx, "cabinet-schedules")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#inst-`+itoa(s.Schedule.Instalments[0].ID)+` button`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-state="pay"]`))))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	p, err := e.app.payments.ByToken(context.Background(), loc[strings.LastIndex(loc, "/")+1:])
	require.NoError(t, err)
	_, err = e.bank.Pay(p.ID, decimal.NewFromInt(10000))
	require.NoError(t, err)
	e.waitStatus(p.ID, billing.StatusSucceeded)
	e.drain()

	first := `#inst-` + itoa(s.Schedule.Instalments[0].ID)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(e.url+"/cabinet/schedules"), chromedp.WaitVisible(chromedp.CSS(first))))
	badge, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(first+` .cab-badge`)))
	require.NoError(t, err)
	require.Equal(t, "Оплачен", badge)
	cabinetShots(t, ctx, "cabinet-schedules-paid")
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(e.url+"/cabinet/payments"), chromedp.WaitVisible(chromedp.CSS(`.cab-pay-item`))))
	cabinetShots(t, ctx, "cabinet-payments")
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(e.url+"/cabinet/profile"), chromedp.WaitVisible(chromedp.CSS(`#f-inn`))))
	cabinetShots(t, ctx, "cabinet-profile")
}

func pageText(t *testing.T, ctx context.Context) string {
	t.Helper()
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
	require.NoError(t, err)
	return text
}

// cabinetShots keeps the page at 390 px (a phone) and 1000 px, and checks that at 360 px nothing
// is wider than the screen.
func cabinetShots(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(360, 800)))
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	require.NoError(t, err)
	require.LessOrEqual(t, wide, 360, "%s scrolls sideways on a 360 px phone", name)
	for _, w := range []int64{390, 1000} {
		require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)))
		screenshot(t, ctx, name+"-"+itoa(w)+".png")
	}
}
