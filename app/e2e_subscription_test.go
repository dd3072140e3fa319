package app

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/billing/yookassa/yookassafake"
	"b24pay/clock"
	"b24pay/portal"
	"b24pay/subscriptions"
)

// withYooKassa configures the card route of subscriptions against the fake shop, which notifies
// the app's webhook; notifications are accepted from the given networks.
func withYooKassa(t testing.TB, shop **yookassafake.Shop, networks string) e2eOption {
	return func(e *e2e, env map[string]string, clk *clock.Frozen, publicURL string) {
		*shop = yookassafake.New(yookassafake.Config{ShopID: "100500", SecretKey: "test_secret", Now: clk.Now,
			NotificationURL: publicURL + "/webhooks/yookassa", RetryDelays: []time.Duration{}})
		srv := httptest.NewServer(*shop)
		t.Cleanup(srv.Close)
		env["B24PAY_YOOKASSA_API_URL"], env["B24PAY_YOOKASSA_SHOP_ID"], env["B24PAY_YOOKASSA_SECRET_KEY"] = srv.URL, "100500", "test_secret"
		env["B24PAY_YOOKASSA_NOTIFY_IPS"], env["B24PAY_MERCHANT_NAME"] = networks, "ООО «Ромашка»"
	}
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func postConsent(t *testing.T, target string, form url.Values) (int, string, string) {
	t.Helper()
	resp, err := noRedirect.PostForm(target, form)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func newSubscriptionForm() map[string]any {
	return map[string]any{"title": "Обслуживание оборудования", "amount": "990", "currency": "RUB",
		"period_unit": "month", "period_every": 1, "start": "2026-11-22", "end_kind": "open", "route": "card",
		"email": "buh@romashka.example"}
}

// A manager creates a subscription on the deal tab; the client opens the link, sees the terms,
// must tick the consent box, pays the first period on the gateway's page, and the verified
// notification makes the subscription active; the receipt lands in the local mailbox.
func TestSubscriptionFromTheTabToTheFirstPayment(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		var shop *yookassafake.Shop
		e := newE2E(t, dialect, withYooKassa(t, &shop, "127.0.0.1/32"))
		status, _ := e.install()
		require.Equal(t, http.StatusOK, status)
		token := e.openTab(e.dealID, 2)

		bad := newSubscriptionForm()
		bad["amount"] = "0"
		var refusal struct {
			Fields []fieldError `json:"fields"`
		}
		require.Equal(t, http.StatusUnprocessableEntity, e.api(token, http.MethodPost, "/subscriptions", bad, &refusal))
		require.Equal(t, "amount", refusal.Fields[0].Field)

		var created struct {
			Subscription struct {
				ID   int64  `json:"id"`
				Link string `json:"link"`
			} `json:"subscription"`
		}
		require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/subscriptions", newSubscriptionForm(), &created))
		link := created.Subscription.Link
		require.True(t, strings.HasPrefix(link, e.url+"/s/"))

		status, _, page := get(t, link)
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, page, `data-state="consent"`)
		require.Contains(t, page, "990,00")
		require.Contains(t, page, "ежемесячно")
		require.Contains(t, page, "ООО «Ромашка»")
		require.Contains(t, page, "Отменить или приостановить подписку можно в любой момент")
		require.Contains(t, page, `type="checkbox" name="consent"`)

		status, _, page = postConsent(t, link, url.Values{})
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, page, "подтвердите согласие")
		require.Zero(t, shop.Payments())

		status, location, _ := postConsent(t, link, url.Values{"consent": {"1"}})
		require.Equal(t, http.StatusSeeOther, status)
		require.Contains(t, location, "yoomoney.ru")
		_, _, page = get(t, link)
		require.Contains(t, page, `data-state="waiting"`)

		var ref string
		require.NoError(t, e.db.Table("subscription_charges").Select("provider_ref").Scan(&ref).Error)
		_, err := shop.Pay(ref)
		require.NoError(t, err)
		shop.Wait()
		require.Equal(t, http.StatusOK, shop.Deliveries()[0].Status)

		_, _, page = get(t, link)
		require.Contains(t, page, `data-state="active"`)
		require.Contains(t, page, "22.12.2026")
		require.Contains(t, page, `data-test="paid-with">Карта •••• 4444<`)
		e.drain()
		item := e.subscriptionItem(created.Subscription.ID)
		require.Equal(t, "Действует", item["status"])
		require.Equal(t, "990.00", item["amount"])
		require.EqualValues(t, 1, item["paid_count"])
		require.Equal(t, "990.00", item["paid_total"])
		require.Equal(t, "Карта (автоплатёж)", item["route"])
		require.Contains(t, item["next_date"], "2026-12-22")
		require.EqualValues(t, e.dealID, item["parentId2"])
		require.NotZero(t, item["companyId"], "the item is bound to the deal's company")
		comments := e.portal.TimelineComments(item["timeline_type"].(string), int(item["id"].(float64)))
		require.Len(t, comments, 1)
		require.Contains(t, comments[0], "Оплачено 990,00")

		// A month later the card is declined: dunning starts, the manager is told, the item follows.
		var method string
		require.NoError(t, e.db.Table("subscriptions").Select("payment_method_id").Scan(&method).Error)
		shop.SetMethodDecline(method, "insufficient_funds")
		e.clock.Set(time.Date(2026, 12, 22, 7, 0, 0, 0, time.UTC))
		rep, err := e.app.recur.subs.RunDue(t.Context(), e.clock.Now())
		require.NoError(t, err)
		require.EqualValues(t, 1, rep.Claimed)
		e.drain()
		notes := e.portal.Notifications(2)
		require.Len(t, notes, 1)
		require.Contains(t, notes[0].Message, "не удалось списать 990,00")
		item = e.subscriptionItem(created.Subscription.ID)
		require.Equal(t, "Просрочена", item["status"])
		require.Contains(t, item["next_date"], "2026-12-23")
		require.Len(t, e.portal.TimelineComments(item["timeline_type"].(string), int(item["id"].(float64))), 2)

		// The client cancels from the page their e-mails link to: past due, so at once.
		_, _, page = get(t, link)
		require.Contains(t, page, `data-test="cancel"`)
		status, location, _ = postConsent(t, link+"/cancel", nil)
		require.Equal(t, http.StatusSeeOther, status)
		require.Equal(t, "/s/"+strings.TrimPrefix(link, e.url+"/s/"), location)
		_, _, page = get(t, link)
		require.Contains(t, page, `data-state="closed"`)
		require.NotContains(t, page, `data-test="cancel"`)
		e.drain()

		mails, err := filepath.Glob(filepath.Join(e.app.cfg.DataDir, "mailbox", "*.eml"))
		require.NoError(t, err)
		require.Len(t, mails, 3, "the receipt, the failed-payment and the cancellation letters")
		raw, err := os.ReadFile(mails[0])
		require.NoError(t, err)
		require.Contains(t, string(raw), "buh@romashka.example")
	})
}

// A notification from outside the allow-list is refused; the client's return to the page still
// reads the payment back, so nothing depends on the notification.
func TestYooKassaNotificationFromAForeignAddressIsRefused(t *testing.T) {
	t.Parallel()
	var shop *yookassafake.Shop
	e := newE2E(t, "sqlite", withYooKassa(t, &shop, "185.71.76.0/27"))
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	var created struct {
		Subscription struct{ Link string } `json:"subscription"`
	}
	require.Equal(t, http.StatusCreated, e.api(e.openTab(e.dealID, 2), http.MethodPost, "/subscriptions", newSubscriptionForm(), &created))
	link := created.Subscription.Link
	_, location, _ := postConsent(t, link, url.Values{"consent": {"1"}})
	require.Contains(t, location, "yoomoney.ru")
	var ref string
	require.NoError(t, e.db.Table("subscription_charges").Select("provider_ref").Scan(&ref).Error)
	_, err := shop.Pay(ref)
	require.NoError(t, err)
	shop.Wait()
	require.Equal(t, http.StatusForbidden, shop.Deliveries()[0].Status)
	_, _, page := get(t, link)
	require.Contains(t, page, `data-state="waiting"`)

	resp, err := noRedirect.Get(link + "/done")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, _, page = get(t, link)
	require.Contains(t, page, `data-state="active"`)
	var st string
	require.NoError(t, e.db.Table("subscriptions").Select("status").Scan(&st).Error)
	require.Equal(t, subscriptions.StatusActive, st)
}

// subscriptionItem reads the «Подписки» item of a subscription from the fake portal, with our
// fields under short names.
func (e *e2e) subscriptionItem(id int64) map[string]any {
	e.t.Helper()
	var types struct {
		Types []struct {
			ID           int    `json:"id"`
			EntityTypeID int    `json:"entityTypeId"`
			Title        string `json:"title"`
		} `json:"types"`
	}
	require.NoError(e.t, json.Unmarshal(e.rest("crm.type.list", map[string]any{}), &types))
	var spa portal.SubscriptionsSPA
	for _, tp := range types.Types {
		if tp.Title == portal.SubscriptionsSPATitle {
			spa = portal.SubscriptionsSPA{TypeID: tp.ID, EntityTypeID: tp.EntityTypeID}
		}
	}
	require.NotZero(e.t, spa.EntityTypeID, "the «Подписки» smart process is provisioned")
	var items struct {
		Items []map[string]any `json:"items"`
	}
	require.NoError(e.t, json.Unmarshal(e.rest("crm.item.list", map[string]any{"entityTypeId": spa.EntityTypeID,
		"filter": map[string]any{spa.Field("SUBSCRIPTION"): id}}), &items))
	require.Len(e.t, items.Items, 1)
	it := items.Items[0]
	for _, f := range []string{"STATUS", "NEXT_DATE", "AMOUNT", "ROUTE", "PAID_COUNT", "PAID_TOTAL"} {
		it[strings.ToLower(f)] = it[spa.Field(f)]
	}
	if v, ok := it["amount"].(float64); ok {
		it["amount"] = fmt.Sprintf("%.2f", v)
	}
	if v, ok := it["paid_total"].(float64); ok {
		it["paid_total"] = fmt.Sprintf("%.2f", v)
	}
	it["timeline_type"] = spa.TimelineType()
	return it
}
