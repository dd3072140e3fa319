package app

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"b24pay/billing/yookassa/yookassafake"
	"b24pay/store"
)

// TestTabSubscriptionFormInBrowser: a manager opens «Оформить подписку» on the deal tab, a wrong
// amount is refused next to its field, and a right form gives the client's consent link to copy;
// the link opens the consent page with the terms typed in.
func TestTabSubscriptionFormInBrowser(t *testing.T) {
	t.Parallel()
	var shop *yookassafake.Shop
	e := newE2E(t, store.SQLite, withYooKassa(t, &shop, "127.0.0.1/32"))
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	ctx, in := openTabInBrowser(t, e)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#sub-open`), in)))
	require.False(t, visible(t, ctx, in, `#sub-form`), "the form waits for the button")
	clickInTab(t, ctx, in, `#sub-open`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#sub-form`), in)))

	fillInTab(t, ctx, `#sub-title`, "Обслуживание оборудования")
	fillInTab(t, ctx, `#sub-amount`, "0")
	fillInTab(t, ctx, `#sub-email`, "buh@romashka.example")
	clickInTab(t, ctx, in, `#sub-create`)
	waitText(t, ctx, in, `[data-error="amount"]`, "сумма должна быть больше нуля")
	requireAccessible(t, ctx)
	shots(t, ctx, "tab-subscription-form")

	fillInTab(t, ctx, `#sub-amount`, "1 490,50")
	fillInTab(t, ctx, `#sub-end`, "count")
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#sub-count`), in)))
	fillInTab(t, ctx, `#sub-count`, "12")
	clickInTab(t, ctx, in, `#sub-create`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="subscription-link"]`), in)))
	require.Empty(t, textIn(t, ctx, in, `[data-error="amount"]`))
	link := value(t, ctx, in, `[data-test="subscription-link"]`)
	require.Regexp(t, `^`+e.url+`/s/[0-9a-f]+$`, link)
	shots(t, ctx, "tab-subscription-link")

	var sub struct {
		AmountMinor int64
		EndCount    int
		Email       string
	}
	require.NoError(t, e.db.Table("subscriptions").Select("amount_minor, end_count, email").Scan(&sub).Error)
	require.EqualValues(t, 149050, sub.AmountMinor)
	require.Equal(t, 12, sub.EndCount)
	require.Equal(t, "buh@romashka.example", sub.Email)
	_, _, page := get(t, link)
	require.Contains(t, page, "Обслуживание оборудования")
	require.Contains(t, page, "после 12 списаний")
}

// fillInTab sets a field's value in the tab's frame as typing or choosing would, with its input
// and change events (no key events: chromedp's SendKeys races with DOM updates under -race).
func fillInTab(t *testing.T, ctx context.Context, sel, v string) {
	t.Helper()
	evalInTab(t, ctx, fmt.Sprintf(`(function(){var n=document.querySelector(%q);n.value=%q;
		n.dispatchEvent(new Event('input',{bubbles:true}));n.dispatchEvent(new Event('change',{bubbles:true}));})()`, sel, v), nil)
}
