package app

import (
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"b24pay/billing/yookassa/yookassafake"
	"b24pay/store"
)

// TestContactTabSubscriptionFormInBrowser: a manager opens a contact's «Подписки» tab, fills the
// subscription form (values set through JavaScript) and gets the client's link; the new
// subscription is the contact's and appears in the tab's list.
func TestContactTabSubscriptionFormInBrowser(t *testing.T) {
	t.Parallel()
	var shop *yookassafake.Shop
	e := newE2E(t, store.SQLite, withYooKassa(t, &shop, "127.0.0.1/32"))
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	contact := e.addContact("Иван", "ivan@example.ru")
	req, err := e.portal.AppPageRequest(e.url+"/b24/placement", "CRM_CONTACT_DETAIL_TAB", map[string]any{"ID": contact}, 2)
	require.NoError(t, err)
	raw, _ := io.ReadAll(req.Body)
	fields, err := url.ParseQuery(string(raw))
	require.NoError(t, err)
	ctx, in := openPlacementInBrowser(t, e, req.URL.String(), fields)

	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#sub-open`), in)))
	require.False(t, visible(t, ctx, in, `#sub-list`), "no subscriptions yet, no list")
	clickInTab(t, ctx, in, `#sub-open`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#sub-form`), in)))
	fillInTab(t, ctx, `#sub-title`, "Абонентское обслуживание")
	fillInTab(t, ctx, `#sub-amount`, "2 500")
	fillInTab(t, ctx, `#sub-unit`, "quarter")
	clickInTab(t, ctx, in, `#sub-create`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="subscription-link"]`), in)))
	require.Regexp(t, `^`+e.url+`/s/[0-9a-f]+$`, value(t, ctx, in, `[data-test="subscription-link"]`))
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="subscription"]`), in)))
	require.Equal(t, "Абонентское обслуживание", textIn(t, ctx, in, `[data-test="subscription"] h3`))
	shots(t, ctx, "contact-tab-subscription")

	var sub struct {
		AmountMinor int64
		PeriodUnit  string
		Email       string
		DealID      int64
		EntityType  string
		B24ID       int64 `gorm:"column:b24_id"`
	}
	require.NoError(t, e.db.Table("subscriptions s").Joins("JOIN clients c ON c.id = s.client_id").
		Select("s.amount_minor, s.period_unit, s.email, s.deal_id, c.entity_type, c.b24_id").Scan(&sub).Error)
	require.EqualValues(t, 250000, sub.AmountMinor)
	require.Equal(t, "quarter", sub.PeriodUnit)
	require.Equal(t, "ivan@example.ru", sub.Email, "from the contact's card")
	require.Zero(t, sub.DealID)
	require.Equal(t, "contact", sub.EntityType)
	require.EqualValues(t, contact, sub.B24ID)
}

// TestSubscriptionRefundInBrowser: in the deal tab the manager refunds part of a paid charge;
// the list then shows the charge partially refunded and offers the rest.
func TestSubscriptionRefundInBrowser(t *testing.T) {
	t.Parallel()
	e, body := paidE2E(t, store.SQLite, "127.0.0.1/32")
	require.Equal(t, http.StatusOK, e.postYooKassa(body))
	ctx, in := openTabInBrowser(t, e)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="sub-refund"]`), in)))
	clickInTab(t, ctx, in, `[data-test="sub-refund"]`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="sub-refund-form"]`), in)))
	require.Equal(t, "990,00", value(t, ctx, in, `[data-test="sub-refund-amount"]`), "the whole charge is offered")
	fillInTab(t, ctx, `[data-test="sub-refund-amount"]`, "1000")
	clickInTab(t, ctx, in, `[data-test="sub-refund-submit"]`)
	waitText(t, ctx, in, `[data-test="sub-refund-error"]`, "Сумма больше, чем осталось вернуть по списанию")
	fillInTab(t, ctx, `[data-test="sub-refund-amount"]`, "300,50")
	fillInTab(t, ctx, `[data-test="sub-refund-reason"]`, "Перерыв в обслуживании")
	clickInTab(t, ctx, in, `[data-test="sub-refund-submit"]`)
	waitText(t, ctx, in, `[data-test="subscription-notice"]`, "Возврат 300,50\u00a0₽ оформлен.")
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-test="sub-charge"][data-status="partially_refunded"]`), in)))
	require.Contains(t, textIn(t, ctx, in, `[data-test="sub-charge"]`), "Частично возвращён: 300,50")
	shots(t, ctx, "tab-subscription-refund")
	var refunded int64
	require.NoError(t, e.db.Table("subscription_charges").Select("refunded_minor").Scan(&refunded).Error)
	require.EqualValues(t, 30050, refunded)
}
