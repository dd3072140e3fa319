package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func (b *bundle) pay(token string, instalmentID int64, provider string) OpenPayment {
	b.t.Helper()
	var out struct {
		Payment struct {
			ID string `json:"id"`
		} `json:"payment"`
	}
	require.Equal(b.t, http.StatusOK, b.call(http.MethodPost, fmt.Sprintf("/api/v1/instalments/%d/pay", instalmentID), token,
		map[string]string{"provider": provider}, &out))
	var open []OpenPayment
	require.Equal(b.t, http.StatusOK, b.call(http.MethodGet, "/sandbox/api/payments", "", nil, &open))
	for _, p := range open {
		if p.ID == out.Payment.ID {
			return p
		}
	}
	b.t.Fatalf("payment %s is not listed as open: %+v", out.Payment.ID, open)
	return OpenPayment{}
}

func (b *bundle) items() []SmartItem {
	b.t.Helper()
	var types []SmartType
	require.Equal(b.t, http.StatusOK, b.call(http.MethodGet, "/sandbox/api/portal/items", "", nil, &types))
	require.NotEmpty(b.t, types)
	require.Equal(b.t, "Платежи по графику", types[0].Title)
	return types[0].Items
}

func (b *bundle) deal(id int) Entity {
	b.t.Helper()
	var e Entity
	require.Equal(b.t, http.StatusOK, b.call(http.MethodGet, fmt.Sprintf("/sandbox/api/portal/deal/%d", id), "", nil, &e))
	return e
}

// paidStage is the name the portal shows for the stage of a paid instalment's item: the pipeline's
// own success stage, which a new smart process calls «Успех» and the app renames on install.
const paidStage = "Оплачен"

func debt(e Entity) string { return fmt.Sprint(e.Fields[debtField(e.Fields)]) }

// The whole manager's flow through the control API: the instalments reach the portal, an SBP QR
// paid at the bank marks the instalment and its item paid, lowers the deal's debt and mails the
// client a receipt, and 40 days
// later the overdue instalment is reported to the manager.
func TestControlAPIWalksAScheduleFromTabToOverdue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var sd seed
	require.Equal(t, http.StatusOK, b.call(http.MethodGet, "/sandbox/api/seed", "", nil, &sd))
	require.Len(t, sd.People, 3)
	require.Len(t, sd.Deals, 4)
	require.Len(t, sd.Leads, 2)

	token := b.tab()
	rows := b.sixInstalments(token)
	require.Len(t, b.items(), 6, "one smart-process item per instalment")
	require.Equal(t, "120000.00|RUB", debt(b.deal(1)))

	open := b.pay(token, rows[0].ID, "sbp")
	require.Equal(t, "20000.00", open.Amount)
	var paid OpenPayment
	require.Equal(t, http.StatusOK, b.call(http.MethodPost, "/sandbox/api/payments/"+open.ID+"/pay", "", nil, &paid))
	require.Equal(t, "succeeded", paid.Status)
	stages := map[string]int{}
	for _, it := range b.items() {
		stages[it.StageName]++
	}
	require.Equal(t, 5, stages["Запланирован"])
	require.Equal(t, 1, stages[paidStage], "stages: %v", stages)
	require.Equal(t, "100000.00|RUB", debt(b.deal(1)))
	require.Equal(t, http.StatusOK, b.call(http.MethodPost, "/sandbox/api/cron/run", "", nil, nil))
	var letters []Letter
	require.Equal(t, http.StatusOK, b.call(http.MethodGet, "/sandbox/api/mailbox", "", nil, &letters))
	require.Len(t, letters, 1, "the client's receipt")
	require.Contains(t, letters[0].To, "buh@romashka.example.ru")
	require.Equal(t, "Платёж 20\u00a0000,00\u00a0₽ получен — Поставка оборудования", letters[0].Subject)
	var receipt Letter
	require.Equal(t, http.StatusOK, b.call(http.MethodGet, "/sandbox/api/mailbox/"+letters[0].ID, "", nil, &receipt))
	require.Contains(t, receipt.Text, "Осталось оплатить: 100\u00a0000,00\u00a0₽")

	var before, after Clock
	require.Equal(t, http.StatusOK, b.call(http.MethodGet, "/sandbox/api/clock", "", nil, &before))
	require.Equal(t, http.StatusOK, b.call(http.MethodPost, "/sandbox/api/clock/advance", "", Advance{Days: 40}, &after))
	require.InDelta(t, 40, after.AheadDays, 0.001)
	require.True(t, after.Now.Sub(before.Now).Hours() >= 40*24)
	var notices []Notice
	require.Equal(t, http.StatusOK, b.call(http.MethodGet, "/sandbox/api/portal/notifications/2", "", nil, &notices))
	require.NotEmpty(t, notices)
	require.Contains(t, notices[len(notices)-1].Message, "Платёж №2 на 20\u00a0000,00\u00a0₽ по сделке «Поставка оборудования» просрочен")
	stages = map[string]int{}
	for _, it := range b.items() {
		stages[it.StageName]++
	}
	require.Equal(t, 1, stages["Просрочен"], "the item of the overdue instalment moved: %v", stages)
	require.Contains(t, strings.Join(b.deal(1).Timeline, "\n"), "Оплата 20\u00a0000,00\u00a0₽ через СБП", "the payment is on the deal's timeline")
}

func TestPayerActionsAtEachProvider(t *testing.T) {
	t.Parallel()
	b := setup(t)
	token := b.tab()
	rows := b.sixInstalments(token)

	qr := b.pay(token, rows[0].ID, "sbp")
	var out map[string]any
	require.Equal(t, http.StatusConflict, b.call(http.MethodPost, "/sandbox/api/payments/"+qr.ID+"/part-pay", "",
		map[string]string{"amount": "100.00"}, &out), "a QR is paid in full or not at all")
	require.Equal(t, http.StatusBadRequest, b.call(http.MethodPost, "/sandbox/api/payments/"+qr.ID+"/refund", "", nil, &out))
	require.Equal(t, http.StatusNotFound, b.call(http.MethodPost, "/sandbox/api/payments/nope/pay", "", nil, &out))
	var declined OpenPayment
	require.Equal(t, http.StatusOK, b.call(http.MethodPost, "/sandbox/api/payments/"+qr.ID+"/decline", "", nil, &declined))
	require.NotEqual(t, "succeeded", declined.Status)

	inv := b.pay(token, rows[1].ID, "invoicebox")
	require.Equal(t, http.StatusBadRequest, b.call(http.MethodPost, "/sandbox/api/payments/"+inv.ID+"/part-pay", "",
		map[string]string{"amount": "20000.00"}, &out), "a part is less than the whole")
	var part OpenPayment
	require.Equal(t, http.StatusOK, b.call(http.MethodPost, "/sandbox/api/payments/"+inv.ID+"/part-pay", "",
		map[string]string{"amount": "5000.00"}, &part))
	require.Equal(t, http.StatusConflict, b.call(http.MethodPost, "/sandbox/api/payments/"+inv.ID+"/pay", "", nil, &out),
		"the order is no longer open at Invoicebox")
	require.Equal(t, "5000.00", part.Paid, "the short payment is booked as what was paid")
}

func TestTabAndPortalReadsRefuseWhatThePortalDoesNotHave(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var out map[string]any
	require.Equal(t, http.StatusNotFound, b.call(http.MethodPost, "/sandbox/api/tab", "", TabRequest{Kind: "deal", ID: 999, User: 2}, &out))
	require.Equal(t, http.StatusNotFound, b.call(http.MethodPost, "/sandbox/api/tab", "", TabRequest{Kind: "deal", ID: 1, User: 42}, &out))
	require.Equal(t, http.StatusBadRequest, b.call(http.MethodPost, "/sandbox/api/tab", "", TabRequest{Kind: "quote", ID: 1, User: 2}, &out))
	var lead Tab
	require.Equal(t, http.StatusOK, b.call(http.MethodPost, "/sandbox/api/tab", "", TabRequest{Kind: "lead", ID: 1, User: 3}, &lead))
	require.NotEmpty(t, lead.Token)
	require.Contains(t, lead.FrameURL, "/crm/lead/details/1/?user=3")
	require.Equal(t, http.StatusNotFound, b.call(http.MethodGet, "/sandbox/api/portal/deal/999", "", nil, &out))
	require.Equal(t, http.StatusBadRequest, b.call(http.MethodGet, "/sandbox/api/portal/deal/x", "", nil, &out))
	require.Equal(t, http.StatusBadRequest, b.call(http.MethodPost, "/sandbox/api/clock/advance", "", Advance{}, &out))
}

// The mailbox lists what the service mailed: here the cabinet invitation a manager sends from the
// tab, to the e-mail of the deal's company.
func TestMailboxListsAndShowsTheLettersTheServiceSent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var letters []Letter
	require.Equal(t, http.StatusOK, b.call(http.MethodGet, "/sandbox/api/mailbox", "", nil, &letters))
	require.Empty(t, letters)
	token := b.tab()
	require.Equal(t, http.StatusOK, b.call(http.MethodPost, "/api/v1/invite", token, map[string]any{}, nil))
	require.Equal(t, http.StatusOK, b.call(http.MethodPost, "/sandbox/api/cron/run", "", nil, nil))
	require.Equal(t, http.StatusOK, b.call(http.MethodGet, "/sandbox/api/mailbox", "", nil, &letters))
	require.Len(t, letters, 1)
	require.Contains(t, letters[0].To, "buh@romashka.example.ru")
	require.Empty(t, letters[0].HTML, "the list carries no bodies")
	var l Letter
	require.Equal(t, http.StatusOK, b.call(http.MethodGet, "/sandbox/api/mailbox/"+letters[0].ID, "", nil, &l))
	require.Equal(t, letters[0].Subject, l.Subject)
	require.Contains(t, l.HTML, "/cabinet/")
	require.NotEmpty(t, l.Text)
	var out map[string]any
	require.Equal(t, http.StatusNotFound, b.call(http.MethodGet, "/sandbox/api/mailbox/..%2Fsecret.key", "", nil, nil))
	require.Equal(t, http.StatusNotFound, b.call(http.MethodGet, "/sandbox/api/mailbox/abc123", "", nil, &out))
}
