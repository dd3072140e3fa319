package sbp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/shopspring/decimal"
)

// SBP subscriptions (account binding), reference §b.8 and Raiffeisen-DGTL/ecom-API
// sbp_subscriptions.yml (tag qr-subscription). They work only where the bank has enabled them
// for the merchant.

// BindingStatus is the state of an account binding.
type BindingStatus string

const (
	BindingInactive     BindingStatus = "INACTIVE"     // offered, the payer has not agreed yet
	BindingSubscribed   BindingStatus = "SUBSCRIBED"   // the payer agreed: debits are possible
	BindingUnsubscribed BindingStatus = "UNSUBSCRIBED" // the payer revoked it
)

// Binding is the bank's view of an account binding.
type Binding struct {
	ID        string
	Status    BindingStatus
	Bank      string // the payer's bank, once bound
	CreatedAt time.Time
	QR        QR // show it (or open Payload on a phone) for the payer to agree
}

type bindingRequest struct {
	ID                  string `json:"id"`
	SubscriptionPurpose string `json:"subscriptionPurpose"`
	SBPMerchantID       string `json:"sbpMerchantId"`
}

type bindingAnswer struct {
	ID         string        `json:"id"`
	Bank       string        `json:"bank"`
	CreateDate string        `json:"createDate"`
	Status     BindingStatus `json:"status"`
	QR         struct {
		ID      string `json:"id"`
		Payload string `json:"payload"`
		URL     string `json:"url"`
	} `json:"qr"`
}

func (a bindingAnswer) binding() (Binding, error) {
	if a.ID == "" || a.Status == "" {
		return Binding{}, fmt.Errorf("%w: binding: no id or status", ErrBadResponse)
	}
	b := Binding{ID: a.ID, Status: a.Status, Bank: a.Bank,
		QR: QR{ID: a.QR.ID, Payload: a.QR.Payload, ImageURL: a.QR.URL}}
	b.CreatedAt, _ = parseWireTime(a.CreateDate)
	return b, nil
}

// CreateBinding offers the payer an account binding (POST /api/sbp/v1/subscriptions, called
// without authorisation). id is ours; purpose is shown in the payer's bank app.
func (cl *Client) CreateBinding(ctx context.Context, id, purpose string) (Binding, error) {
	if err := errors.Join(checkOrderID("binding id", id), checkPurpose(purpose)); err != nil {
		return Binding{}, err
	}
	var ans bindingAnswer
	err := cl.do(ctx, call{op: "create binding", method: http.MethodPost, path: "/api/sbp/v1/subscriptions",
		body:     bindingRequest{ID: id, SubscriptionPurpose: purpose, SBPMerchantID: cl.cfg.SBPMerchantID},
		mutating: true}, &ans)
	if err != nil {
		return Binding{}, err
	}
	return ans.binding()
}

// BindingState reads a binding (GET /api/sbp/v1/subscriptions/{subscriptionId}).
func (cl *Client) BindingState(ctx context.Context, id string) (Binding, error) {
	if err := checkOrderID("binding id", id); err != nil {
		return Binding{}, err
	}
	var ans bindingAnswer
	err := cl.do(ctx, call{op: "binding state", method: http.MethodGet, path: bindingPath(id), auth: true}, &ans)
	if err != nil {
		return Binding{}, err
	}
	return ans.binding()
}

// ChargeInput is a debit by a binding.
type ChargeInput struct {
	BindingID string
	// OrderID is our unique order id: 1..40 of A-Z a-z 0-9 - _ .; it is also the lookup key.
	OrderID string
	// Amount in rubles, positive, whole kopecks.
	Amount         decimal.Decimal
	Purpose        string // paymentDetails, ≤ 185
	AdditionalInfo string // ≤ 140
}

// Validate checks the input against the bank's documented limits.
func (in ChargeInput) Validate() error {
	return errors.Join(
		checkOrderID("binding id", in.BindingID),
		checkOrderID("order id", in.OrderID),
		checkPayable(in.Amount),
		checkTextLen("purpose", in.Purpose, maxPurposeLen),
		checkTextLen("additional info", in.AdditionalInfo, maxAdditionalInfoLen),
	)
}

// Charge is a debit by a binding as the bank sees it.
type Charge struct {
	OrderID string
	QRID    string
	Amount  decimal.Decimal
	Status  PaymentStatus // SUCCESS, DECLINED or IN_PROGRESS
}

type chargeRequest struct {
	Order          string `json:"order"`
	Amount         rubles `json:"amount"`
	Currency       string `json:"currency"`
	PaymentDetails string `json:"paymentDetails,omitempty"`
	AdditionalInfo string `json:"additionalInfo,omitempty"`
}

type chargeAnswer struct {
	Order         string        `json:"order"`
	QRID          string        `json:"qrId"`
	Amount        rubles        `json:"amount"`
	PaymentStatus PaymentStatus `json:"paymentStatus"`
}

func (a chargeAnswer) charge() (Charge, error) {
	if a.Order == "" || a.PaymentStatus == "" {
		return Charge{}, fmt.Errorf("%w: binding charge: no order or paymentStatus", ErrBadResponse)
	}
	return Charge{OrderID: a.Order, QRID: a.QRID, Amount: decimal.Decimal(a.Amount), Status: a.PaymentStatus}, nil
}

// ChargeBinding debits the payer without their action
// (POST /api/sbp/v1/subscriptions/{subscriptionId}/orders). On ErrUnknownOutcome look the order
// up with BindingCharge before charging again.
func (cl *Client) ChargeBinding(ctx context.Context, in ChargeInput) (Charge, error) {
	if err := in.Validate(); err != nil {
		return Charge{}, err
	}
	var ans chargeAnswer
	err := cl.do(ctx, call{op: "charge binding", method: http.MethodPost, path: bindingPath(in.BindingID) + "/orders",
		body: chargeRequest{Order: in.OrderID, Amount: rubles(in.Amount), Currency: "RUB",
			PaymentDetails: in.Purpose, AdditionalInfo: in.AdditionalInfo},
		auth: true, mutating: true}, &ans)
	if err != nil {
		return Charge{}, err
	}
	return ans.charge()
}

// BindingCharge reads a debit by a binding
// (GET /api/sbp/v1/subscriptions/{subscriptionId}/orders/{order}); ErrNotFound if there is none.
func (cl *Client) BindingCharge(ctx context.Context, bindingID, orderID string) (Charge, error) {
	if err := errors.Join(checkOrderID("binding id", bindingID), checkOrderID("order id", orderID)); err != nil {
		return Charge{}, err
	}
	var ans chargeAnswer
	path := bindingPath(bindingID) + "/orders/" + url.PathEscape(orderID)
	if err := cl.do(ctx, call{op: "binding charge", method: http.MethodGet, path: path, auth: true}, &ans); err != nil {
		return Charge{}, err
	}
	return ans.charge()
}

func bindingPath(id string) string { return "/api/sbp/v1/subscriptions/" + url.PathEscape(id) }
