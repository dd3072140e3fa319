package app

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/mail"
	"b24pay/subscriptions"
)

type subscriptionList struct {
	Subscriptions []tabSubscriptionView `json:"subscriptions"`
}

// openClientTab opens the «Подписки» tab of a contact or company card as a manager and returns
// the API token embedded in the page.
func (e *e2e) openClientTab(placement string, id, userID int) string {
	e.t.Helper()
	req, err := e.portal.AppPageRequest(e.url+"/b24/placement", placement, map[string]any{"ID": id}, userID)
	require.NoError(e.t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	require.Equal(e.t, http.StatusOK, resp.StatusCode, string(page))
	m := tokenMeta.FindStringSubmatch(string(page))
	require.NotNil(e.t, m, "the tab embeds its API token")
	return m[1]
}

// addContact creates a contact with an e-mail through the portal's REST API, as a manager would.
func (e *e2e) addContact(name, email string) int {
	e.t.Helper()
	var id int
	e.decode(e.rest("crm.contact.add", map[string]any{"fields": map[string]any{"NAME": name, "LAST_NAME": "Петров",
		"EMAIL": []map[string]any{{"VALUE": email, "VALUE_TYPE": "WORK"}}}}), &id)
	return id
}

// The manager refunds part of the first charge from the deal tab, then the rest; more than is
// left is refused next to the field; the charge shows it, the «Подписки» item gets a comment per
// refund and the client one e-mail per refund. Another deal's tab cannot refund it.
func TestManagerRefundsASubscriptionChargeFromTheTab(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e, body := paidE2E(t, dialect, "127.0.0.1/32")
		require.Equal(t, http.StatusOK, e.postYooKassa(body))
		token := e.openTab(e.dealID, 2)
		var list subscriptionList
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/subscriptions", nil, &list))
		require.Len(t, list.Subscriptions, 1)
		sub := list.Subscriptions[0]
		require.Len(t, sub.Charges, 1)
		require.Equal(t, "990.00", sub.Charges[0].Refundable)
		path := "/subscriptions/" + itoa(sub.ID) + "/charges/0/refund"

		other, err := e.portal.AddItem(2, map[string]any{"TITLE": "Другая сделка", "ASSIGNED_BY_ID": 2})
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, e.api(e.openTab(other, 2), http.MethodPost, path, map[string]string{"amount": "1"}, nil))
		require.Equal(t, http.StatusNotFound, e.api(token, http.MethodPost, "/subscriptions/"+itoa(sub.ID)+"/charges/1/refund",
			map[string]string{"amount": "1"}, nil), "no charge of period 1")

		var got struct {
			Refund struct{ Status, Amount string } `json:"refund"`
		}
		require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, path, map[string]string{"amount": "300", "reason": "Простой"}, &got))
		require.Equal(t, billing.RefundSucceeded, got.Refund.Status)
		var refused struct {
			Fields []fieldError `json:"fields"`
		}
		require.Equal(t, http.StatusUnprocessableEntity, e.api(token, http.MethodPost, path, map[string]string{"amount": "690.01"}, &refused))
		require.Equal(t, "amount", refused.Fields[0].Field)
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/subscriptions", nil, &list))
		ch := list.Subscriptions[0].Charges[0]
		require.Equal(t, subscriptions.ShownPartiallyRefunded, ch.Status)
		require.Equal(t, "690.00", ch.Refundable)

		require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, path, map[string]string{"amount": "690"}, &got))
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/subscriptions", nil, &list))
		ch = list.Subscriptions[0].Charges[0]
		require.Equal(t, subscriptions.ShownRefunded, ch.Status)
		require.Empty(t, ch.Refundable)
		require.Equal(t, http.StatusUnprocessableEntity, e.api(token, http.MethodPost, path, map[string]string{"amount": "0.01"}, nil))
		var paid []billing.Payment
		require.NoError(t, e.db.Where("payable_kind = ?", subscriptions.ChargeKind).Find(&paid).Error)
		require.Len(t, paid, 1, "the charge is refunded as a billing payment of the card route")
		require.Equal(t, "yookassa", paid[0].Provider)
		require.Equal(t, billing.StatusRefunded, paid[0].Status)
		var refunds []billing.Refund
		require.NoError(t, e.db.Where("payment_id = ?", paid[0].ID).Find(&refunds).Error)
		require.Len(t, refunds, 2)
		for _, r := range refunds {
			require.Equal(t, billing.RefundSucceeded, r.Status)
			require.EqualValues(t, 2, r.RequestedBy, "the manager who asked")
		}

		e.drain()
		item := e.subscriptionItem(sub.ID)
		comments := e.portal.TimelineComments(item["timeline_type"].(string), int(item["id"].(float64)))
		require.Len(t, comments, 3, "paid, and two refunds")
		require.Contains(t, comments[1], "Возврат 300,00")
		require.Contains(t, comments[1], "Простой")
		n := 0
		for _, l := range e.letters() {
			if l.Kind == mail.ChargeRefunded {
				n++
			}
		}
		require.Equal(t, 2, n)
	})
}

// A contact's «Подписки» tab creates a subscription for that contact and manages it; the tab of
// another contact, and a deal's tab, see none of it; the deal's company tab sees the deal's.
func TestContactTabCreatesAndManagesTheContactsSubscriptions(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e, body := paidE2E(t, dialect, "127.0.0.1/32")
		require.Equal(t, http.StatusOK, e.postYooKassa(body))
		contact, stranger := e.addContact("Иван", "ivan@example.ru"), e.addContact("Пётр", "petr@example.ru")
		token := e.openClientTab("CRM_CONTACT_DETAIL_TAB", contact, 2)

		var created struct {
			Subscription struct {
				ID   int64
				Link string
			} `json:"subscription"`
		}
		form := newSubscriptionForm()
		form["email"] = "" // from the contact's card
		require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/subscriptions", form, &created))
		require.Contains(t, created.Subscription.Link, "/s/")
		var client struct {
			EntityType string
			B24ID      int64 `gorm:"column:b24_id"`
			Email      string
		}
		require.NoError(t, e.db.Table("clients c").Joins("JOIN subscriptions s ON s.client_id = c.id").
			Where("s.id = ?", created.Subscription.ID).Select("c.entity_type, c.b24_id, s.email").Scan(&client).Error)
		require.Equal(t, "contact", client.EntityType)
		require.EqualValues(t, contact, client.B24ID)
		require.Equal(t, "ivan@example.ru", client.Email)

		var list subscriptionList
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/subscriptions", nil, &list))
		require.Len(t, list.Subscriptions, 1)
		require.Equal(t, created.Subscription.ID, list.Subscriptions[0].ID)
		path := "/subscriptions/" + itoa(created.Subscription.ID)
		require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, path+"/cancel", nil, nil))

		for name, foreign := range map[string]string{
			"another contact": e.openClientTab("CRM_CONTACT_DETAIL_TAB", stranger, 2),
			"a deal":          e.openTab(e.dealID, 2),
		} {
			require.Equal(t, http.StatusNotFound, e.api(foreign, http.MethodPost, path+"/pause",
				map[string]string{"from": "2026-12-01", "until": "2026-12-31"}, nil), name)
			require.Equal(t, http.StatusNotFound, e.api(foreign, http.MethodPost, path+"/charges/0/refund",
				map[string]string{"amount": "1"}, nil), name)
		}
		require.Equal(t, http.StatusOK, e.api(e.openClientTab("CRM_CONTACT_DETAIL_TAB", stranger, 2), http.MethodGet,
			"/subscriptions", nil, &list))
		require.Empty(t, list.Subscriptions)

		var company int
		require.NoError(t, e.db.Table("clients").Select("b24_id").Where("entity_type = ?", "company").Scan(&company).Error)
		require.Equal(t, http.StatusOK, e.api(e.openClientTab("CRM_COMPANY_DETAIL_TAB", company, 2), http.MethodGet,
			"/subscriptions", nil, &list))
		require.Len(t, list.Subscriptions, 1, "the deal's subscription is the company's")
		require.NotEqual(t, created.Subscription.ID, list.Subscriptions[0].ID)

		// The contact's tab is for subscriptions only: the schedule API refuses its token.
		require.Equal(t, http.StatusUnauthorized, e.api(token, http.MethodGet, "/tab", nil, nil))
	})
}
