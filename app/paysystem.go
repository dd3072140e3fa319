package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"b24pay/billing"
	"b24pay/bitrix"
	"b24pay/outbox"
	"b24pay/portal"
)

// Bitrix24 payments (Sales Center, smart invoices) paid through our routes.
const (
	b24PaymentKind  = "b24_payment"
	topicB24PayMark = "b24.payment.pay"
)

var routeNames = map[string]portal.PaySystem{
	"invoicebox": {Code: "invoicebox", Name: "Счёт для организаций и ИП (Invoicebox)", ClientType: "b2b"},
	"sbp":        {Code: "sbp", Name: "СБП — оплата по QR-коду", ClientType: "b2c"},
}

// paySystems are the configured routes as Bitrix24 pay systems.
func (a *App) paySystems() []portal.PaySystem {
	var out []portal.PaySystem
	for _, code := range []string{"invoicebox", "sbp"} {
		if a.payments == nil || !a.payments.Has(code) {
			continue
		}
		ps := routeNames[code]
		ps.ActionURL = a.cfg.PublicURL + "/b24/paysystem/" + code
		out = append(out, ps)
	}
	return out
}

// paySystemKey is the per-portal secret put into the pay systems' settings and sent back by Bitrix24
// with every checkout request; it is derived from the master key, never stored.
func (a *App) paySystemKey(memberID string) string {
	m := hmac.New(sha256.New, a.cfg.SecretKey)
	m.Write([]byte("b24pay pay-system key v1:" + memberID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkoutRequest is Bitrix24's CHECKOUT_DATA call: our FIELDS at top level plus BX_SYSTEM_PARAMS.
type checkoutRequest struct {
	Key       string
	PaymentID int64
	Sum       decimal.Decimal
	Currency  string
	MemberID  string
}

// parseCheckout reads the form Bitrix24 posts to ACTION_URI: BX_SYSTEM_PARAMS[...] and our FIELDS at
// top level (docs: api-reference/pay-system/sale-pay-system-handler-add.md#checkout).
func parseCheckout(c *gin.Context) (checkoutRequest, error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 1<<16)
	if err := c.Request.ParseForm(); err != nil {
		return checkoutRequest{}, err
	}
	form := c.Request.PostForm
	r := checkoutRequest{Key: form.Get("B24PAY_KEY"), Currency: form.Get("BX_SYSTEM_PARAMS[CURRENCY]"), MemberID: form.Get("member_id")}
	id, err := bitrix.ParseID(form.Get("BX_SYSTEM_PARAMS[PAYMENT_ID]"))
	if err != nil || id <= 0 {
		return r, errors.New("BX_SYSTEM_PARAMS[PAYMENT_ID] is missing")
	}
	r.PaymentID = int64(id)
	if r.Sum, err = decimal.NewFromString(form.Get("BX_SYSTEM_PARAMS[SUM]")); err != nil {
		return r, errors.New("BX_SYSTEM_PARAMS[SUM] is not a number")
	}
	return r, nil
}

// paySystemCheckout answers Bitrix24's checkout request with our payment's URL (Bitrix24 shows a
// «Pay» button and a QR of it) or PAYMENT_ERRORS. Bitrix24 reads the body of an HTTP 200 answer
// only, so every refusal is a 200 with PAYMENT_ERRORS: that is how the buyer sees our message.
func (a *App) paySystemCheckout(c *gin.Context) {
	fail := func(msg string) { c.JSON(http.StatusOK, gin.H{"PAYMENT_ERRORS": []string{msg}}) }
	req, err := parseCheckout(c)
	if err != nil {
		fail("Некорректный запрос платёжной системы: " + err.Error())
		return
	}
	p, err := a.portals.Current(c.Request.Context())
	if err != nil || !p.Installed() || (req.MemberID != "" && req.MemberID != p.MemberID) ||
		!hmac.Equal([]byte(req.Key), []byte(a.paySystemKey(p.MemberID))) {
		fail("Платёжная система не подтверждена. Переустановите приложение b24pay.")
		return
	}
	pay, err := a.payments.Pay(c.Request.Context(), p.MemberID, b24PaymentKind, req.PaymentID, c.Param("code"))
	switch {
	case errors.Is(err, billing.ErrProviderNotConfigured):
		fail("Этот способ оплаты отключён")
	case errors.Is(err, billing.ErrNothingToPay):
		fail("Платёж уже оплачен")
	case err != nil:
		_ = c.Error(err)
		fail("Платёжная система временно недоступна, повторите через минуту")
	default:
		c.JSON(http.StatusOK, gin.H{"PAYMENT_URL": pay.PayURL, "PAYMENT_ID": pay.ID})
	}
}

// b24Payments are Bitrix24's own payments (of deals and smart invoices) as payables: the amount is
// read from Bitrix24, and success is reported back with sale.paysystem.pay.payment.
type b24Payments struct{ a *App }

type b24Payment struct {
	ID          bitrix.ID       `json:"id"`
	Paid        string          `json:"paid"`
	Sum         decimal.Decimal `json:"sum"`
	Currency    string          `json:"currency"`
	PaySystemID bitrix.ID       `json:"paySystemId"`
	Account     string          `json:"accountNumber"`
}

func (b b24Payments) get(ctx context.Context, memberID string, id int64) (b24Payment, error) {
	cl, err := b.a.b24.For(ctx, memberID)
	if err != nil {
		return b24Payment{}, err
	}
	resp, err := cl.CallIdempotent(ctx, "crm.item.payment.get", map[string]any{"id": id})
	if err != nil {
		return b24Payment{}, err
	}
	var p b24Payment
	if err := json.Unmarshal(resp.Result, &p); err != nil || p.ID == 0 {
		var wrapped struct {
			Payment b24Payment `json:"payment"`
		}
		if err := json.Unmarshal(resp.Result, &wrapped); err != nil {
			return p, err
		}
		p = wrapped.Payment
	}
	return p, nil
}

func (b b24Payments) Payable(ctx context.Context, memberID string, id int64) (billing.Payable, error) {
	p, err := b.get(ctx, memberID, id)
	if err != nil {
		return billing.Payable{}, err
	}
	out := billing.Payable{MemberID: memberID, Kind: b24PaymentKind, ID: id, Currency: p.Currency,
		Description: "Оплата по счёту " + p.Account}
	if p.Paid != "Y" {
		out.OutstandingMinor = p.Sum.Shift(2).Round(0).IntPart()
	}
	return out, nil
}

func (b b24Payments) ApplyPaid(_ context.Context, tx *gorm.DB, memberID string, id int64, _ int64) error {
	return outbox.Enqueue(tx, b.a.clock.Now(), outbox.Message{Topic: topicB24PayMark, MemberID: memberID,
		Key: fmt.Sprintf("b24-payment-paid:%d", id), Payload: id})
}

// markPaid tells Bitrix24 the payment is paid (its pay system id is read from the payment itself).
func (b b24Payments) markPaid(ctx context.Context, job outbox.Job) error {
	var id int64
	if err := job.Decode(&id); err != nil {
		return err
	}
	p, err := b.get(ctx, job.MemberID, id)
	if err != nil || p.Paid == "Y" {
		return err
	}
	cl, err := b.a.b24.For(ctx, job.MemberID)
	if err != nil {
		return err
	}
	_, err = cl.CallIdempotent(ctx, "sale.paysystem.pay.payment", map[string]any{"PAYMENT_ID": id, "PAY_SYSTEM_ID": p.PaySystemID})
	return err
}
