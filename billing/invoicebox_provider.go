package billing

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/shopspring/decimal"

	"b24pay/billing/invoicebox"
)

// Invoicebox is the B2B invoice route (organisations and ИП pay by invoice).
type Invoicebox struct {
	client   *invoicebox.Client
	key      string // notification key
	merchant string
	vat      invoicebox.VATCode
}

// NewInvoicebox wraps a configured client; vat is the rate included in every price.
func NewInvoicebox(cfg invoicebox.Config, vat invoicebox.VATCode) (*Invoicebox, error) {
	c, err := invoicebox.New(cfg)
	if err != nil {
		return nil, err
	}
	return &Invoicebox{client: c, key: string(cfg.NotificationKey), merchant: cfg.MerchantID, vat: vat}, nil
}

// Name is the route's code.
func (*Invoicebox) Name() string { return "invoicebox" }

// Currencies are the ones the order page documents (reference §5.1 `currencyId`).
func (*Invoicebox) Currencies() []string { return []string{"RUB", "USD", "EUR", "GBP"} }

// Create makes the order: one service line whose VAT is computed by the client, the customer as
// organisation/ИП (legal) or person (private).
func (p *Invoicebox) Create(ctx context.Context, o Order) (Created, error) {
	in := invoicebox.OrderInput{MerchantOrderID: o.PaymentID, Description: o.Description, Amount: o.Amount,
		Currency: o.Currency, Lines: []invoicebox.Line{p.line(o.PaymentID, o.Description, o.Amount)},
		Customer: customerOf(o.Customer), Now: o.Now, TimeLimit: o.TimeLimit, Trusted: o.Trusted,
		URLs: invoicebox.URLs{Notification: o.NotifyURL, Success: o.ReturnURL, Fail: o.ReturnURL, Return: o.ReturnURL}}
	order, err := p.client.CreateOrder(ctx, in)
	if err != nil {
		return Created{}, mapInvoiceboxError(err)
	}
	return Created{Ref: order.ID, PayURL: order.PaymentURL, ExpiresAt: order.ExpiresAt}, nil
}

func customerOf(c Customer) invoicebox.Customer {
	kind := invoicebox.CustomerPrivate
	if c.Company {
		kind = invoicebox.CustomerLegal
	}
	return invoicebox.Customer{Kind: kind, Name: c.Name, Email: c.Email, Phone: c.Phone, INN: c.INN, KPP: c.KPP, Address: c.Address}
}

// Update changes an order that is still created (not paid, not expired) to a new amount.
func (p *Invoicebox) Update(ctx context.Context, ref string, o Order) error {
	_, err := p.client.UpdateOrder(ctx, invoicebox.UpdateInput{OrderID: ref, Description: o.Description, Amount: o.Amount,
		Lines: []invoicebox.Line{p.line(o.PaymentID, o.Description, o.Amount)}, Now: o.Now, TimeLimit: o.TimeLimit, Trusted: o.Trusted})
	return mapInvoiceboxError(err)
}

// line is the single basket line of an order or refund: the service at its gross price, with the
// configured VAT included (the client computes the VAT so the sums match exactly).
func (p *Invoicebox) line(sku, name string, gross decimal.Decimal) invoicebox.Line {
	return invoicebox.Line{SKU: sku, Name: name, UnitPrice: gross, VATCode: p.vat, Type: invoicebox.ItemService,
		PaymentType: invoicebox.PaymentFull}
}

// Lookup finds the order by our payment id. The order carries its total, not what was paid
// (reference §5.6), so Paid stays zero: the paid amount is the one the provider's notification
// reported (billing keeps those), and only failing that the order's.
func (p *Invoicebox) Lookup(ctx context.Context, paymentID, _ string) (State, error) {
	order, err := p.client.FindOrder(ctx, paymentID)
	if err != nil {
		return State{}, mapInvoiceboxError(err)
	}
	return State{Ref: order.ID, Status: statusOf(order.Status), PayURL: order.PaymentURL}, nil
}

// Cancel closes an unpaid order.
func (p *Invoicebox) Cancel(ctx context.Context, ref string) error {
	_, err := p.client.CancelOrder(ctx, ref)
	return mapInvoiceboxError(err)
}

// Refund returns money with our refund id as the provider's idempotency key. Its lines are the
// paid order's own lines, by sku, with no more than each has left to refund (reference §8.1–8.2).
func (p *Invoicebox) Refund(ctx context.Context, r RefundRequest) (string, error) {
	available, err := p.client.RefundableLines(ctx, r.Ref)
	if err != nil {
		return "", mapInvoiceboxError(err)
	}
	lines, err := invoicebox.RefundLinesFor(available, r.Amount)
	if err != nil {
		return "", err
	}
	out, err := p.client.CreateRefund(ctx, invoicebox.RefundInput{OrderID: r.Ref, RefundID: r.RefundID, Description: r.Description,
		Amount: r.Amount, Lines: lines})
	if err != nil {
		return "", mapInvoiceboxError(err)
	}
	return out.ID, nil
}

// Inbound verifies X-Signature over the raw body, then parses it.
func (p *Invoicebox) Inbound(header http.Header, body []byte) (Notice, error) {
	if err := invoicebox.VerifySignature(body, header, p.key); err != nil {
		return Notice{}, errors.Join(ErrBadSignature, err)
	}
	n, err := invoicebox.ParseNotification(body)
	if err != nil {
		return Notice{}, errors.Join(ErrMalformed, err)
	}
	if !n.ForMerchant(p.merchant) {
		return Notice{PaymentID: n.MerchantOrderID}, fmt.Errorf("%w: merchant %q", ErrForeign, n.MerchantID)
	}
	status := statusOf(n.Status)
	if n.NeedsLookup() {
		status = StatusPending // an undocumented status proves nothing; reconciliation will ask
	}
	return Notice{PaymentID: n.MerchantOrderID, Ref: n.InvoiceboxID, Status: status, Amount: n.Amount, Currency: n.Currency,
		DedupKey: n.DedupKey,
		Probe:    n.Probe}, nil
}

func statusOf(s invoicebox.OrderStatus) string {
	switch {
	case s.IsPaid():
		return StatusSucceeded
	case s == invoicebox.StatusExpired:
		return StatusExpired
	case s == invoicebox.StatusCanceled:
		return StatusCancelled
	}
	return StatusPending
}

func mapInvoiceboxError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, invoicebox.ErrUnknownOutcome):
		return errors.Join(ErrUnknownOutcome, err)
	case errors.Is(err, invoicebox.ErrNotFound):
		return errors.Join(ErrOrderNotFound, err)
	}
	return err
}
