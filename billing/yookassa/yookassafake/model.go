package yookassafake

import "time"

// The fake's own copy of the wire shapes (kept separate from the client so that a mistake in one
// is caught by the conformance test, not mirrored).

type amount struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

type card struct {
	First6      string `json:"first6"`
	Last4       string `json:"last4"`
	ExpiryMonth string `json:"expiry_month"`
	ExpiryYear  string `json:"expiry_year"`
	CardType    string `json:"card_type"`
}

type paymentMethod struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	Saved bool   `json:"saved"`
	Title string `json:"title,omitempty"`
	Card  *card  `json:"card,omitempty"`
}

type confirmation struct {
	Type            string `json:"type"`
	ReturnURL       string `json:"return_url,omitempty"`
	ConfirmationURL string `json:"confirmation_url,omitempty"`
}

type cancellation struct {
	Party  string `json:"party"`
	Reason string `json:"reason"`
}

type recipient struct {
	AccountID string `json:"account_id"`
	GatewayID string `json:"gateway_id"`
}

type payment struct {
	ID                  string            `json:"id"`
	Status              string            `json:"status"`
	Paid                bool              `json:"paid"`
	Amount              amount            `json:"amount"`
	IncomeAmount        *amount           `json:"income_amount,omitempty"`
	RefundedAmount      *amount           `json:"refunded_amount,omitempty"`
	Description         string            `json:"description,omitempty"`
	Recipient           recipient         `json:"recipient"`
	PaymentMethod       *paymentMethod    `json:"payment_method,omitempty"`
	Confirmation        *confirmation     `json:"confirmation,omitempty"`
	CancellationDetails *cancellation     `json:"cancellation_details,omitempty"`
	CreatedAt           string            `json:"created_at"`
	CapturedAt          string            `json:"captured_at,omitempty"`
	Metadata            map[string]string `json:"metadata"`
	Refundable          bool              `json:"refundable"`
	Test                bool              `json:"test"`

	save bool // save_payment_method was asked
}

type refund struct {
	ID                  string        `json:"id"`
	PaymentID           string        `json:"payment_id"`
	Status              string        `json:"status"`
	Amount              amount        `json:"amount"`
	CreatedAt           string        `json:"created_at"`
	Description         string        `json:"description,omitempty"`
	CancellationDetails *cancellation `json:"cancellation_details,omitempty"`
}

type createPayment struct {
	Amount            *amount `json:"amount"`
	Capture           bool    `json:"capture"`
	PaymentMethodData *struct {
		Type string `json:"type"`
	} `json:"payment_method_data"`
	PaymentMethodID   string            `json:"payment_method_id"`
	SavePaymentMethod bool              `json:"save_payment_method"`
	Confirmation      *confirmation     `json:"confirmation"`
	Description       string            `json:"description"`
	Metadata          map[string]string `json:"metadata"`
}

type createRefund struct {
	PaymentID   string  `json:"payment_id"`
	Amount      *amount `json:"amount"`
	Description string  `json:"description"`
}

type errorBody struct {
	Type        string `json:"type"`
	ID          string `json:"id"`
	Code        string `json:"code"`
	Description string `json:"description"`
	Parameter   string `json:"parameter,omitempty"`
}

type notification struct {
	Type   string `json:"type"`
	Event  string `json:"event"`
	Object any    `json:"object"`
}

// wireTime is how the API writes instants: UTC with milliseconds ("2019-01-22T14:30:45.129Z").
const wireTime = "2006-01-02T15:04:05.000Z"

func stamp(t time.Time) string { return t.UTC().Format(wireTime) }
