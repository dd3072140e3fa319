package invoicebox

import (
	"encoding/json"
	"errors"
	"net/http"
)

// AnswerCode is the code of our reply to a notification.
type AnswerCode string

// Reply codes Invoicebox documents. out_of_service makes Invoicebox retry (10 more
// times within 24 h); it is also what an error without a code means.
const (
	AnswerOutOfService        AnswerCode = "out_of_service"
	AnswerOrderWrongAmount    AnswerCode = "order_wrong_amount"
	AnswerOrderAlreadyPaid    AnswerCode = "order_already_paid"
	AnswerOrderNotFound       AnswerCode = "order_not_found"
	AnswerShippingUnavailable AnswerCode = "shipping_unavailable"
	AnswerSignatureError      AnswerCode = "signature_error"
)

// Answer is our reply to a notification. Invoicebox wants HTTP 200 with a JSON body in
// every case (anything else is a failed delivery), so HTTPStatus is always 200.
type Answer struct {
	HTTPStatus int        `json:"-"`
	Status     string     `json:"status"`
	Code       AnswerCode `json:"code,omitempty"`
	Message    string     `json:"message,omitempty"`
}

// Body is the JSON to write with ContentType.
func (a Answer) Body() []byte {
	b, _ := json.Marshal(a)
	return b
}

// ContentType of the reply.
const ContentType = "application/json"

// Success acknowledges a notification (also a repeated or a probe one).
func Success() Answer {
	return Answer{HTTPStatus: http.StatusOK, Status: "success"}
}

func errorAnswer(code AnswerCode, message string) Answer {
	return Answer{HTTPStatus: http.StatusOK, Status: "error", Code: code, Message: message}
}

// SignatureError: X-Signature did not match; nothing was changed.
func SignatureError() Answer {
	return errorAnswer(AnswerSignatureError, "Неверная подпись уведомления")
}

// OrderNotFound: we do not know the order.
func OrderNotFound() Answer {
	return errorAnswer(AnswerOrderNotFound, "Заказ не найден")
}

// OrderWrongAmount: the notified amount differs from ours; the order is not marked paid.
func OrderWrongAmount() Answer {
	return errorAnswer(AnswerOrderWrongAmount, "Сумма заказа не совпадает")
}

// OrderAlreadyPaid: the payable was already paid another way or by another order.
func OrderAlreadyPaid() Answer {
	return errorAnswer(AnswerOrderAlreadyPaid, "Заказ уже оплачен")
}

// OutOfService: a temporary failure on our side; Invoicebox will retry.
func OutOfService() Answer {
	return errorAnswer(AnswerOutOfService, "Сервис временно недоступен, повторите позже")
}

// ShippingUnavailable: we cannot render the service; the order must then be cancelled
// or refunded by us, the answer alone refunds nothing.
func ShippingUnavailable() Answer {
	return errorAnswer(AnswerShippingUnavailable, "Услуга не может быть оказана")
}

// Sentinels the core may return from its notification processing so that AnswerFor
// picks the matching reply.
var (
	ErrOrderUnknown   = errors.New("invoicebox: notification for an unknown order")
	ErrAmountMismatch = errors.New("invoicebox: notified amount differs from ours")
	ErrPaidOtherwise  = errors.New("invoicebox: payable already paid another way")
	ErrCannotDeliver  = errors.New("invoicebox: service cannot be rendered")
)

// AnswerFor maps the outcome of handling a notification to the reply: nil is success,
// a bad signature is signature_error, the sentinels above map to their codes, and any
// other error is out_of_service so that Invoicebox retries.
func AnswerFor(err error) Answer {
	switch {
	case err == nil:
		return Success()
	case errors.Is(err, ErrBadSignature):
		return SignatureError()
	case errors.Is(err, ErrOrderUnknown):
		return OrderNotFound()
	case errors.Is(err, ErrAmountMismatch):
		return OrderWrongAmount()
	case errors.Is(err, ErrPaidOtherwise):
		return OrderAlreadyPaid()
	case errors.Is(err, ErrCannotDeliver):
		return ShippingUnavailable()
	}
	return OutOfService()
}
