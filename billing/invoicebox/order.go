package invoicebox

import (
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// OrderStatus is an order's status at Invoicebox.
type OrderStatus string

// Documented statuses (canceled with one "l") and two seen only in production tooling.
const (
	StatusCreated   OrderStatus = "created"
	StatusCompleted OrderStatus = "completed"
	StatusExpired   OrderStatus = "expired"
	StatusCanceled  OrderStatus = "canceled"
	StatusHold      OrderStatus = "hold"
	StatusDraft     OrderStatus = "draft"
)

// IsPaid: only completed means paid.
func (s OrderStatus) IsPaid() bool { return s == StatusCompleted }

// IsOpen: the order may still be paid or is being paid (funds on hold); never create
// a second order for the payable while one is open.
func (s OrderStatus) IsOpen() bool {
	return s == StatusCreated || s == StatusHold || s == StatusDraft
}

// IsKnown reports a status from the lists above.
func (s OrderStatus) IsKnown() bool {
	switch s {
	case StatusCreated, StatusCompleted, StatusExpired, StatusCanceled, StatusHold, StatusDraft:
		return true
	}
	return false
}

// Currency codes accepted by Invoicebox.
const CurrencyRUB = "RUB"

var currencies = map[string]bool{"RUB": true, "USD": true, "EUR": true, "GBP": true, "CNY": true}

// URLs are the per-order webhook and browser redirects; all optional.
type URLs struct {
	Notification string
	Success      string
	Fail         string
	Return       string
}

// OrderInput is an order to create. MerchantOrderID is our payment id, unique per shop.
type OrderInput struct {
	MerchantOrderID string
	VisibleID       string // number shown to the payer; defaults to MerchantOrderID
	Description     string
	Amount          decimal.Decimal // expected total; must equal Σ line totals
	Currency        string          // default RUB
	Language        string          // ru (default) or en
	Lines           []Line
	Customer        Customer
	LockCustomer    bool // the payer may not edit the requisites on the payment page

	Now       time.Time     // the caller's clock
	TimeLimit time.Duration // from MinTimeLimit
	Trusted   bool          // allows a deferral up to MaxTrustedDeferral

	URLs URLs
}

// Validate checks the input with the default limit for clients that are not trusted.
func (in OrderInput) Validate() error {
	_, _, err := in.build(DefaultMaxTimeLimit)
	return err
}

type builtOrder struct {
	lines   []PricedLine
	totals  Totals
	expires time.Time
}

func (in OrderInput) build(maxUntrusted time.Duration) (createOrderRequest, builtOrder, error) {
	in = in.withDefaults()
	if err := in.validateHeader(); err != nil {
		return createOrderRequest{}, builtOrder{}, err
	}
	b, err := priceOrder(in.Lines, in.Amount)
	if err != nil {
		return createOrderRequest{}, builtOrder{}, err
	}
	if b.expires, err = ExpirationDate(in.Now, in.TimeLimit, in.Trusted, maxUntrusted); err != nil {
		return createOrderRequest{}, builtOrder{}, err
	}
	if err := in.Customer.Validate(); err != nil {
		return createOrderRequest{}, builtOrder{}, err
	}
	return in.request(b), b, nil
}

func (in OrderInput) withDefaults() OrderInput {
	if in.Currency == "" {
		in.Currency = CurrencyRUB
	}
	if in.Language == "" {
		in.Language = "ru"
	}
	if in.VisibleID == "" {
		in.VisibleID = in.MerchantOrderID
	}
	return in
}

func (in OrderInput) validateHeader() error {
	switch {
	case strings.TrimSpace(in.MerchantOrderID) == "" || len(in.MerchantOrderID) > 256:
		return inputErr("merchantOrderId", "must be 1–256 characters")
	case len(in.VisibleID) > 256:
		return inputErr("merchantOrderIdVisible", "must be at most 256 characters")
	case strings.TrimSpace(in.Description) == "" || len(in.Description) > 1000:
		return inputErr("description", "must be 1–1000 characters")
	case !currencies[in.Currency]:
		return inputErr("currency", "unsupported currency %q", in.Currency)
	case in.Language != "ru" && in.Language != "en":
		return inputErr("language", "must be ru or en")
	}
	return in.URLs.validate()
}

func (u URLs) validate() error {
	for name, v := range map[string]string{"notificationUrl": u.Notification, "successUrl": u.Success, "failUrl": u.Fail, "returnUrl": u.Return} {
		if len(v) > 1000 {
			return inputErr(name, "must be at most 1000 characters")
		}
		if v != "" && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
			return inputErr(name, "must be an http(s) URL")
		}
	}
	return nil
}

// priceOrder prices the lines and checks that they add up to the expected amount.
func priceOrder(lines []Line, amount decimal.Decimal) (builtOrder, error) {
	if err := validMoney("amount", amount, false); err != nil {
		return builtOrder{}, err
	}
	priced, totals, err := PriceLines(lines)
	if err != nil {
		return builtOrder{}, err
	}
	if !totals.Amount.Equal(amount) {
		return builtOrder{}, inputErr("amount", "lines add up to %s, not %s", totals.Amount.StringFixed(2), amount.StringFixed(2))
	}
	return builtOrder{lines: priced, totals: totals}, nil
}

func (in OrderInput) request(b builtOrder) createOrderRequest {
	req := createOrderRequest{
		MerchantOrderID:        in.MerchantOrderID,
		MerchantOrderIDVisible: in.VisibleID,
		Description:            in.Description,
		Amount:                 rubles(b.totals.Amount),
		VatAmount:              rubles(b.totals.VAT),
		CurrencyID:             in.Currency,
		LanguageID:             in.Language,
		ExpirationDate:         formatTime(b.expires),
		BasketItems:            wireBasket(b.lines),
		Customer:               in.Customer.wire(),
		NotificationURL:        in.URLs.Notification,
		SuccessURL:             in.URLs.Success,
		FailURL:                in.URLs.Fail,
		ReturnURL:              in.URLs.Return,
	}
	if in.LockCustomer {
		req.InvoiceSetting = &invoiceSettingWire{CustomerLocked: true}
	}
	return req
}

// UpdateInput changes an order while it is created (dynamic pricing). Lines and
// Amount go together; a zero TimeLimit keeps the expiration date.
type UpdateInput struct {
	OrderID     string // Invoicebox order id
	Description string // optional
	Amount      decimal.Decimal
	Lines       []Line

	Now       time.Time
	TimeLimit time.Duration
	Trusted   bool
}

func (in UpdateInput) build(maxUntrusted time.Duration) (updateOrderRequest, error) {
	if strings.TrimSpace(in.OrderID) == "" {
		return updateOrderRequest{}, inputErr("orderId", "the Invoicebox order id is needed")
	}
	if len(in.Description) > 1000 {
		return updateOrderRequest{}, inputErr("description", "must be at most 1000 characters")
	}
	b, err := priceOrder(in.Lines, in.Amount)
	if err != nil {
		return updateOrderRequest{}, err
	}
	req := updateOrderRequest{
		Description: in.Description,
		Amount:      rubles(b.totals.Amount),
		VatAmount:   rubles(b.totals.VAT),
		BasketItems: wireBasket(b.lines),
	}
	if in.TimeLimit != 0 {
		exp, err := ExpirationDate(in.Now, in.TimeLimit, in.Trusted, maxUntrusted)
		if err != nil {
			return updateOrderRequest{}, err
		}
		req.ExpirationDate = formatTime(exp)
	}
	return req, nil
}

// Order is an order as Invoicebox reports it.
type Order struct {
	ID              string
	MerchantID      string
	MerchantOrderID string
	ContainerID     string
	Status          OrderStatus
	Amount          decimal.Decimal
	VATAmount       decimal.Decimal
	Currency        string
	PaymentURL      string
	CreatedAt       time.Time
	ExpiresAt       time.Time
	PaidAt          time.Time // zero until paid
	RequestID       string    // X-Request-Id of the answer
}
