package sbpfake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Binding statuses (subscriptionStatus.status in sbp_subscriptions.yml).
const (
	bindingInactive     = "INACTIVE"
	bindingSubscribed   = "SUBSCRIBED"
	bindingUnsubscribed = "UNSUBSCRIBED"
)

// payerBank is the `bank` the fake reports for a bound account.
const payerBank = "someBank"

// binding is an SBP subscription (account binding): created INACTIVE with a QR of type 03, it
// becomes SUBSCRIBED when the payer agrees in their bank's app, and UNSUBSCRIBED when they revoke it.
type binding struct {
	id      string
	purpose string
	status  string
	bank    string
	created time.Time
	qr      *qr
	orders  map[string]*bindingCharge
}

type bindingCharge struct {
	order          string
	qrID           string
	amount         decimal.Decimal
	status         string // SUCCESS, DECLINED, IN_PROGRESS
	details        string
	additionalInfo string
	transactionID  int64
	date           string
	created        time.Time
}

type createBindingRequest struct {
	ID                  string `json:"id"`
	SubscriptionPurpose string `json:"subscriptionPurpose"`
	SBPMerchantID       string `json:"sbpMerchantId"`
}

type bindingQR struct {
	ID      string `json:"id"`
	Payload string `json:"payload"`
	URL     string `json:"url"`
}

type bindingAnswer struct {
	Code       string    `json:"code"`
	ID         string    `json:"id"`
	Bank       string    `json:"bank,omitempty"`
	CreateDate string    `json:"createDate"`
	Status     string    `json:"status"`
	QR         bindingQR `json:"qr"`
}

// createBinding is POST /api/sbp/v1/subscriptions (no auth). The same id again returns the
// binding already made (the documentation is silent; the fake treats id as an idempotency key).
func (b *Bank) createBinding(r *http.Request) answer {
	var req createBindingRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return refuse(codeInvalidRequest, "Некорректный запрос")
	}
	switch {
	case req.SBPMerchantID == "":
		return refuse(codeSBPMerchantIDMissing, "SbpMerchantId партнера не указан")
	case req.SBPMerchantID != b.cfg.SBPMerchantID:
		return refuse(codeMerchantNotRegistered, "Партнер с ID "+req.SBPMerchantID+" не зарегистрирован")
	}
	if refusal := b.checkOffer(&bindingOffer{ID: req.ID, Purpose: req.SubscriptionPurpose}); refusal != nil {
		return *refusal
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	q := &qr{id: b.newQRID(), created: b.now(), expires: b.now().Add(defaultLifetime)}
	bd := b.offerBinding(req.ID, req.SubscriptionPurpose, q)
	return ok(b.bindingAnswer(r, bd))
}

// checkOffer refuses binding when the bank has not enabled it, and a binding without id or purpose.
func (b *Bank) checkOffer(o *bindingOffer) *answer {
	var a answer
	switch {
	case o == nil:
		return nil
	case !b.cfg.Subscriptions:
		a = refuse(codeSubscriptionsOff, "Подписки СБП не подключены для партнера")
	case !validOrder(o.ID):
		a = refuse(codeInvalidRequest, "Не передан обязательный параметр id")
	case o.Purpose == "" || utf8.RuneCountInString(o.Purpose) > 185:
		a = refuse(codeInvalidRequest, "Не передан обязательный параметр subscriptionPurpose")
	default:
		return nil
	}
	return &a
}

// offerBinding returns the binding with id, making it INACTIVE around q if new. Caller holds b.mu.
func (b *Bank) offerBinding(id, purpose string, q *qr) *binding {
	if bd, found := b.bindings[id]; found {
		return bd
	}
	bd := &binding{id: id, purpose: purpose, status: bindingInactive, created: b.now(), qr: q,
		orders: map[string]*bindingCharge{}}
	b.bindings[id] = bd
	return bd
}

func (b *Bank) bindingAnswer(r *http.Request, bd *binding) bindingAnswer {
	return bindingAnswer{Code: codeSuccess, ID: bd.id, Bank: bd.bank, Status: bd.status,
		CreateDate: bd.created.In(moscow).Format("2006-01-02T15:04:05.000000-07:00"),
		QR:         bindingQR{ID: bd.qr.id, Payload: b.bindingPayload(bd.qr), URL: imageURL(r, bd.qr.id)}}
}

// bindingPayload is the NSPK link of a binding QR (type=03, no sum; reference §b.8).
func (b *Bank) bindingPayload(q *qr) string {
	if q.order != "" { // a pay-and-bind QR carries the payment link
		return b.payload(q)
	}
	link := "https://sub.nspk.ru/" + q.id + "?type=03&bank=" + b.cfg.BankID
	return link + "&crc=" + crc16(link)
}

// bindingState is GET /api/sbp/v1/subscriptions/{subscriptionId}.
func (b *Bank) bindingState(r *http.Request) answer {
	b.mu.Lock()
	defer b.mu.Unlock()
	bd, found := b.bindings[r.PathValue("subscriptionId")]
	if !found {
		return refuse(codeNotFound, "Подписка не найдена у данного партнера")
	}
	return ok(b.bindingAnswer(r, bd))
}

type chargeRequest struct {
	Order          string          `json:"order"`
	Amount         json.RawMessage `json:"amount"`
	Currency       string          `json:"currency"`
	PaymentDetails string          `json:"paymentDetails"`
	AdditionalInfo string          `json:"additionalInfo"`
	Account        string          `json:"account"`
}

type chargeAnswer struct {
	Code           string      `json:"code"`
	AdditionalInfo string      `json:"additionalInfo,omitempty"`
	PaymentDetails string      `json:"paymentDetails,omitempty"`
	Amount         json.Number `json:"amount"`
	Currency       string      `json:"currency"`
	Order          string      `json:"order"`
	PaymentStatus  string      `json:"paymentStatus"`
	QRID           string      `json:"qrId"`
	SBPMerchantID  string      `json:"sbpMerchantId"`
}

// chargeBinding is POST /api/sbp/v1/subscriptions/{subscriptionId}/orders: a debit without the
// payer's action. A SUCCESS sends the usual payment callback. An order already charged under the
// binding is refused like a re-used paid order (ERROR.ORDER_NUMBER_ALREADY_REGISTERED).
func (b *Bank) chargeBinding(r *http.Request) answer {
	var req chargeRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return refuse(codeInvalidRequest, "Некорректный запрос")
	}
	amount, refusal := checkCharge(req)
	if refusal != nil {
		return *refusal
	}
	if !b.cfg.Subscriptions {
		return refuse(codeSubscriptionsOff, "Подписки СБП не подключены для партнера")
	}
	b.mu.Lock()
	bd, found := b.bindings[r.PathValue("subscriptionId")]
	switch {
	case !found:
		b.mu.Unlock()
		return refuse(codeNotFound, "Подписка не найдена у данного партнера")
	case bd.status != bindingSubscribed:
		b.mu.Unlock()
		return refuse(codeBindingInactive, "Подписка не активна: "+bd.status)
	case bd.orders[req.Order] != nil:
		b.mu.Unlock()
		return refuse(codeOrderAlreadyRegistered, "Заказ "+req.Order+" по подписке уже зарегистрирован")
	}
	c := &bindingCharge{order: req.Order, qrID: b.newQRID(), amount: amount, details: req.PaymentDetails,
		additionalInfo: req.AdditionalInfo, status: b.switches.chargeOutcome, created: b.now()}
	if c.status == "" {
		c.status = "SUCCESS"
	}
	if c.status != "IN_PROGRESS" {
		p := b.newPayment(c.status)
		c.transactionID, c.date = p.transactionID, p.date
	}
	bd.orders[c.order] = c
	a := b.chargeAnswer(c)
	cb := c.callback()
	b.mu.Unlock()
	if c.status == "SUCCESS" {
		b.SendCallback(cb, "")
	}
	return ok(a)
}

func checkCharge(req chargeRequest) (decimal.Decimal, *answer) {
	fail := func(code, msg string) (decimal.Decimal, *answer) { a := refuse(code, msg); return decimal.Zero, &a }
	switch {
	case !validOrder(req.Order):
		return fail(codeInvalidOrder, "В номере заказа поддерживаются A-z09_-.")
	case req.Currency != "RUB":
		return fail(codeInvalidRequest, "Не передан обязательный параметр")
	case utf8.RuneCountInString(req.PaymentDetails) > 185 || utf8.RuneCountInString(req.AdditionalInfo) > 140:
		return fail(codeInvalidRequest, "Превышена длина параметра")
	case req.Account != "" && !digits(req.Account, 20):
		return fail(codeAccountNotRegistered, "Указан неверный счет. Проверьте его или удалите. Параметр является необязательным")
	case len(req.Amount) == 0 || string(req.Amount) == "null":
		return fail(codeInvalidRequest, "Не передан обязательный параметр")
	}
	amount, err := decimal.NewFromString(string(bytes.Trim(req.Amount, `"`)))
	if err != nil || !amount.IsPositive() || !amount.Equal(amount.Round(2)) {
		return fail(codeInvalidRequest, "Передана некорректная сумма платежа")
	}
	return amount, nil
}

func (b *Bank) chargeAnswer(c *bindingCharge) chargeAnswer {
	return chargeAnswer{Code: codeSuccess, AdditionalInfo: c.additionalInfo, PaymentDetails: c.details,
		Amount: json.Number(c.amount.String()), Currency: "RUB", Order: c.order, PaymentStatus: c.status,
		QRID: c.qrID, SBPMerchantID: b.cfg.SBPMerchantID}
}

func (c *bindingCharge) callback() Callback {
	return Callback{TransactionID: c.transactionID, QRID: c.qrID, Order: c.order, Amount: c.amount,
		Status: c.status, TransactionDate: c.date, CreateDate: c.created.In(moscow).Format(wireTime),
		AdditionalInfo: c.additionalInfo}
}

// bindingOrder is GET /api/sbp/v1/subscriptions/{subscriptionId}/orders/{order}.
func (b *Bank) bindingOrder(r *http.Request) answer {
	b.mu.Lock()
	defer b.mu.Unlock()
	bd, found := b.bindings[r.PathValue("subscriptionId")]
	if !found {
		return refuse(codeNotFound, "Подписка не найдена у данного партнера")
	}
	c, found := bd.orders[r.PathValue("order")]
	if !found {
		return refuse(codeNotFound, "Заказ не найден по подписке")
	}
	return ok(b.chargeAnswer(c))
}
