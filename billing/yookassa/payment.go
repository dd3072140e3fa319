package yookassa

import "time"

// Payment statuses ([YK-PHP] Model/PaymentStatus.php).
const (
	StatusPending           = "pending"
	StatusWaitingForCapture = "waiting_for_capture"
	StatusSucceeded         = "succeeded"
	StatusCanceled          = "canceled"
)

// Payment is the payment object (GET /v3/payments/{id}, POST answers, notification objects).
type Payment struct {
	ID                  string               `json:"id"`
	Status              string               `json:"status"`
	Paid                bool                 `json:"paid"`
	Amount              Amount               `json:"amount"`
	IncomeAmount        *Amount              `json:"income_amount,omitempty"`
	RefundedAmount      *Amount              `json:"refunded_amount,omitempty"`
	Description         string               `json:"description,omitempty"`
	PaymentMethod       *PaymentMethod       `json:"payment_method,omitempty"`
	Confirmation        *Confirmation        `json:"confirmation,omitempty"`
	CancellationDetails *CancellationDetails `json:"cancellation_details,omitempty"`
	CreatedAt           time.Time            `json:"created_at"`
	CapturedAt          *time.Time           `json:"captured_at,omitempty"`
	Metadata            map[string]string    `json:"metadata,omitempty"`
	Refundable          bool                 `json:"refundable"`
	Test                bool                 `json:"test"`
}

// PaymentMethod is what paid. ID is usable for later charges only when Saved is true.
type PaymentMethod struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	Saved bool   `json:"saved"`
	Title string `json:"title,omitempty"`
	Card  *Card  `json:"card,omitempty"`
}

// Card describes a bank card without its number.
type Card struct {
	First6      string `json:"first6,omitempty"`
	Last4       string `json:"last4"`
	ExpiryMonth string `json:"expiry_month"`
	ExpiryYear  string `json:"expiry_year"`
	CardType    string `json:"card_type"`
}

// Confirmation is how the payer confirms a customer-initiated payment.
type Confirmation struct {
	Type            string `json:"type"`
	ReturnURL       string `json:"return_url,omitempty"`
	ConfirmationURL string `json:"confirmation_url,omitempty"`
}

// SavedMethodID is the method id to charge later, or "" when the method was not saved.
func (p Payment) SavedMethodID() string {
	if p.PaymentMethod == nil || !p.PaymentMethod.Saved {
		return ""
	}
	return p.PaymentMethod.ID
}

// CreatePayment is the body of POST /v3/payments. Set PaymentMethodData + SavePaymentMethod +
// Confirmation for a first (customer-initiated) payment, PaymentMethodID for a later charge.
type CreatePayment struct {
	Amount            Amount             `json:"amount"`
	Capture           bool               `json:"capture"`
	PaymentMethodData *PaymentMethodData `json:"payment_method_data,omitempty"`
	PaymentMethodID   string             `json:"payment_method_id,omitempty"`
	SavePaymentMethod bool               `json:"save_payment_method,omitempty"`
	Confirmation      *Confirmation      `json:"confirmation,omitempty"`
	Description       string             `json:"description,omitempty"`
	Metadata          map[string]string  `json:"metadata,omitempty"`
}

// PaymentMethodData names the method type of a new payment, e.g. "bank_card".
type PaymentMethodData struct {
	Type string `json:"type"`
}

// Refund is the refund object.
type Refund struct {
	ID          string    `json:"id"`
	PaymentID   string    `json:"payment_id"`
	Status      string    `json:"status"`
	Amount      Amount    `json:"amount"`
	CreatedAt   time.Time `json:"created_at"`
	Description string    `json:"description,omitempty"`
	// CancellationDetails says why a canceled refund was refused.
	CancellationDetails *CancellationDetails `json:"cancellation_details,omitempty"`
}

// Refund statuses.
const (
	RefundPending   = "pending"
	RefundSucceeded = "succeeded"
	RefundCanceled  = "canceled"
)

// CreateRefund is the body of POST /v3/refunds.
type CreateRefund struct {
	PaymentID   string `json:"payment_id"`
	Amount      Amount `json:"amount"`
	Description string `json:"description,omitempty"`
}
