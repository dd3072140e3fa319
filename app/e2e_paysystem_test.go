package app

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/portal"
	"b24pay/store"
)

type paySystemRow struct {
	ID         string         `json:"ID"`
	Handler    string         `json:"ACTION_FILE"`
	PersonType string         `json:"PERSON_TYPE_ID"`
	Active     string         `json:"ACTIVE"`
	Settings   map[string]any `json:"SETTINGS"`
}

func (e *e2e) paySystems() []paySystemRow {
	var rows []paySystemRow
	require.NoError(e.t, json.Unmarshal(e.rest("sale.paysystem.list", map[string]any{}), &rows))
	return rows
}

// forgedCheckout posts a CHECKOUT_DATA request by hand (form-encoded, nested keys), as someone
// who is not the portal would; the portal's own request is e.portal.Checkout.
func (e *e2e) forgedCheckout(code, key string, paymentID int, sum string, paySystemID string) (int, map[string]any) {
	e.t.Helper()
	form := url.Values{"B24PAY_KEY": {key}, "BX_SYSTEM_PARAMS[PAYMENT_ID]": {strconv.Itoa(paymentID)},
		"BX_SYSTEM_PARAMS[SUM]": {sum}, "BX_SYSTEM_PARAMS[CURRENCY]": {"RUB"}, "BX_SYSTEM_PARAMS[PAYSYSTEM_ID]": {paySystemID},
		"BX_SYSTEM_PARAMS[RETURN_URL]": {e.portal.ClientEndpoint()}}
	resp, err := http.Post(e.url+"/b24/paysystem/"+code, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	require.NoError(e.t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(e.t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

func TestSalesCenterPaySystemsCheckoutAndMarkPaid(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withSBP(t), withInvoicebox(t))
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	status, _ = e.install()
	require.Equal(t, http.StatusOK, status)

	systems := e.paySystems()
	require.Len(t, systems, 4, "two routes × two ORDER person types, nothing twice after re-install")
	var sbpSystem paySystemRow
	for _, s := range systems {
		require.Equal(t, "Y", s.Active)
		if s.Handler == portal.HandlerCode("sbp") {
			sbpSystem = s
		}
	}
	require.NotEmpty(t, sbpSystem.ID)
	keySetting, _ := sbpSystem.Settings[portal.PaySystemKeyField].(map[string]any)
	key, _ := keySetting["VALUE"].(string)
	require.NotEmpty(t, key)

	invoice, err := e.portal.AddItem(31, map[string]any{"title": "Счёт №7", "opportunity": "5000", "currencyId": "RUB"})
	require.NoError(t, err)
	psID, _ := strconv.Atoi(sbpSystem.ID)
	payment, err := e.portal.AddPayment(31, invoice, "5000.00", psID)
	require.NoError(t, err)

	// Bitrix24 reads the body of a 200 only: a refusal is a 200 with PAYMENT_ERRORS.
	status, out := e.forgedCheckout("sbp", "forged", payment, "5000.00", sbpSystem.ID)
	require.Equal(t, http.StatusOK, status)
	require.NotEmpty(t, out["PAYMENT_ERRORS"])
	var n int64
	require.NoError(t, e.db.Table("payments").Count(&n).Error)
	require.Zero(t, n, "a forged checkout creates nothing")

	ans, err := e.portal.Checkout(payment)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, ans.Status, ans.Errors)
	require.Empty(t, ans.Errors)
	require.Contains(t, ans.PaymentURL, "qr.nspk.ru")
	again, err := e.portal.Checkout(payment)
	require.NoError(t, err)
	require.Equal(t, ans.PaymentID, again.PaymentID, "the buyer pressing «Pay» twice gets the same QR")
	ourID := ans.PaymentID

	_, err = e.bank.Pay(ourID, decimal.NewFromInt(5000))
	require.NoError(t, err)
	e.waitStatus(ourID, billing.StatusSucceeded)
	e.drain()
	pm, ok := e.portal.Payment(payment)
	require.True(t, ok)
	require.True(t, pm.Paid, "Bitrix24's payment is marked paid")

	ans, err = e.portal.Checkout(payment)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, ans.Status)
	require.Equal(t, []string{"Платёж уже оплачен"}, ans.Errors, "the buyer sees our message, not the portal's default")
	e.requireNoDeadOutbox()
	e.requireConformanceRows()
}

func TestInstallThatRegisteredNoPaySystemSaysSo(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withSBP(t))
	e.portal.FailNext("sale.paysystem.add", 100, "ERROR_PERSON_TYPE_NOT_FOUND", 0)
	status, body := e.install()
	require.Equal(t, http.StatusOK, status, "the rest of the app works")
	require.Contains(t, body, `data-test="install-warning"`)
	require.Contains(t, body, "регистрация платёжных систем")
}

func TestInstallRefusedStepShowsWhichAndWhatToDo(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	e.portal.FailNext("event.bind", 1, "ACCESS_DENIED", 0)
	status, body := e.install()
	require.Equal(t, http.StatusBadGateway, status)
	require.Contains(t, body, `data-test="install-error"`)
	require.Contains(t, body, "подписка на события CRM")
	require.Contains(t, body, "администратора")
	status, _ = e.install()
	require.Equal(t, http.StatusOK, status, "a retry finishes")
	types, placements, bindings := e.counts()
	require.Equal(t, []int{2, 4, len(portal.EventNames)}, []int{types, placements, bindings}, "nothing twice")
}
