package sbpfake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/shopspring/decimal"
)

type paymentInfoAnswer struct {
	Code             string      `json:"code"`
	QRID             string      `json:"qrId"`
	SBPMerchantID    string      `json:"sbpMerchantId"`
	MerchantID       int64       `json:"merchantId"`
	Order            string      `json:"order"`
	Amount           json.Number `json:"amount"`
	Currency         string      `json:"currency"`
	PaymentStatus    string      `json:"paymentStatus"`
	TransactionID    int64       `json:"transactionId,omitempty"`
	TransactionDate  string      `json:"transactionDate,omitempty"`
	CreateDate       string      `json:"createDate"`
	QRExpirationDate string      `json:"qrExpirationDate"`
	PaymentPurpose   string      `json:"paymentPurpose"`
	AdditionalInfo   string      `json:"additionalInfo"`
}

func (b *Bank) paymentInfo(r *http.Request) answer {
	b.mu.Lock()
	defer b.mu.Unlock()
	q, found := b.qrs[r.PathValue("qrId")]
	if !found {
		return refuse(codeNotFound, "QR-код не найден у данного партнера")
	}
	a := paymentInfoAnswer{
		Code: codeSuccess, QRID: q.id, SBPMerchantID: b.cfg.SBPMerchantID, MerchantID: b.cfg.MerchantID,
		Order: q.order, Amount: json.Number(q.amount.String()), Currency: "RUB", PaymentStatus: "NO_INFO",
		CreateDate: q.created.In(moscow).Format(wireTime), QRExpirationDate: q.expires.In(moscow).Format(wireTime),
		PaymentPurpose: q.purpose, AdditionalInfo: q.additionalInfo,
	}
	if p := q.payment; p != nil {
		a.PaymentStatus, a.TransactionID, a.TransactionDate = p.status, p.transactionID, p.date
	}
	return ok(a)
}

type refundRequest struct {
	Order          string          `json:"order"`
	RefundID       string          `json:"refundId"`
	Amount         json.RawMessage `json:"amount"`
	PaymentDetails string          `json:"paymentDetails"`
	TransactionID  int64           `json:"transactionId"`
}

type refundAnswer struct {
	Code         string      `json:"code"`
	Amount       json.Number `json:"amount"`
	RefundStatus string      `json:"refundStatus"`
}

func (b *Bank) createRefund(r *http.Request) answer {
	var req refundRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return refuse(codeInvalidRequest, "Некорректный запрос")
	}
	amount, refusal := checkRefund(req)
	if refusal != nil {
		return *refusal
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if prev, found := b.refunds[req.RefundID]; found {
		if prev.order != req.Order || !prev.amount.Equal(amount) {
			return refuse(codeInvalidRequest, "Возврат с refundId "+req.RefundID+" уже создан с другими параметрами")
		}
		return ok(prev.answer())
	}
	paid, found := b.paidAmount(req.Order)
	if !found {
		return refuse(codeNotFound, "Оплаченный заказ "+req.Order+" не найден")
	}
	if b.refunded(req.Order).Add(amount).GreaterThan(paid) {
		return refuse(codeRefundInsufficientFunds, "Сумма возврата больше суммы остатка по платежу")
	}
	rf := &refund{id: req.RefundID, order: req.Order, amount: amount, status: "IN_PROGRESS"}
	if b.switches.autoRefund {
		rf.status = "COMPLETED"
	}
	b.refunds[rf.id] = rf
	return ok(rf.answer())
}

func checkRefund(req refundRequest) (decimal.Decimal, *answer) {
	fail := func(code, msg string) (decimal.Decimal, *answer) { a := refuse(code, msg); return decimal.Zero, &a }
	if !validOrder(req.Order) || !validOrder(req.RefundID) {
		return fail(codeInvalidOrder, "В номере заказа поддерживаются A-z09_-.")
	}
	if len(req.Amount) == 0 || string(req.Amount) == "null" {
		return fail(codeInvalidRequest, "Не передан обязательный параметр")
	}
	amount, err := decimal.NewFromString(string(bytes.Trim(req.Amount, `"`)))
	if err != nil || !amount.Equal(amount.Round(2)) {
		return fail(codeInvalidRequest, "Передана некорректная сумма платежа")
	}
	if amount.LessThan(decimal.New(1, -2)) {
		return fail(codeInvalidRequest, "Сумма возврата не может быть меньше 1 копейки")
	}
	return amount, nil
}

func (b *Bank) refundStatus(r *http.Request) answer {
	b.mu.Lock()
	defer b.mu.Unlock()
	id := r.PathValue("refundId")
	rf, found := b.refunds[id]
	if !found {
		return refuse(codeRefundNotFound, "Возврат с refundId "+id+" не найден")
	}
	return ok(rf.answer())
}

func (rf *refund) answer() refundAnswer {
	return refundAnswer{Code: codeSuccess, Amount: json.Number(rf.amount.String()), RefundStatus: rf.status}
}

// paidAmount sums successful payments of the order: by its QR codes or, for an order charged to
// a subscription binding, by that charge (the refund takes "the paid order", reference §b.6).
// Caller holds b.mu.
func (b *Bank) paidAmount(order string) (decimal.Decimal, bool) {
	sum, found := decimal.Zero, false
	for _, q := range b.orders[order] {
		if q.payment != nil && q.payment.status == "SUCCESS" {
			sum, found = sum.Add(q.amount), true
		}
	}
	for _, bd := range b.bindings {
		if c := bd.orders[order]; c != nil && c.status == "SUCCESS" {
			sum, found = sum.Add(c.amount), true
		}
	}
	return sum, found
}

// refunded sums the order's refunds that are not declined. Caller holds b.mu.
func (b *Bank) refunded(order string) decimal.Decimal {
	sum := decimal.Zero
	for _, rf := range b.refunds {
		if rf.order == order && rf.status != "DECLINED" {
			sum = sum.Add(rf.amount)
		}
	}
	return sum
}

type callbackSettings struct {
	CallbackURL string `json:"callbackUrl"`
}

func (b *Bank) setCallback(r *http.Request) answer {
	var req callbackSettings
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return refuse(codeInvalidRequest, "Некорректный запрос")
	}
	u, err := url.Parse(req.CallbackURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return refuse(codeInvalidRequest, "Некорректный callbackUrl")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.callbackURL = req.CallbackURL
	return ok(req)
}
