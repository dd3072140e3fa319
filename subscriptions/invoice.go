package subscriptions

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"b24pay/billing"
	"b24pay/outbox"
	"b24pay/schedules"
)

// The invoice route: each period the client, an organisation or ИП, gets a B2B invoice from
// Invoicebox by e-mail and pays it by bank transfer or on Invoicebox's page; nothing is debited.
//
// A charge of this route is a billing payable (InvoiceKind): its invoice is a billing payment
// through the Invoicebox provider, so the order carries our payment id as merchantOrderId, a lost
// create answer is looked up by that id before anything new is made, the paid notification is
// stored, deduplicated, checked (signature, merchant, currency, amount) and settled by billing's
// inbox in one transaction, and reconciliation repairs what a crash or a lost notification left
// open. Billing books the money through ApplyPaid, in the notification's own transaction, which
// settles the charge. Billing's payable ids are integers while charge ids are strings, so each
// invoiced charge has a row in subscription_invoices whose id is the payable id.
//
// Unlike a debit, an invoice does not hold the schedule back: issuing period n's invoice moves the
// subscription on to period n+1, whose invoice goes out on its start date whether or not n is paid.
// An invoice unpaid when it expires makes the charge failed and the subscription past_due; on the
// dunning days (counted from the expiry) the invoice is issued again and mailed as a reminder, and
// when they run out the subscription is suspended or cancelled as configured. An invoice paid only
// in part is over unpaid the same way, and the invoice issued again asks for the remainder (see
// ApplyPaid in invoice_paid.go).

// InvoiceKind is billing's payable kind of a charge on the invoice route.
const InvoiceKind = "subscription_invoice"

// TopicWithdrawInvoices withdraws a cancelled subscription's open invoices at Invoicebox.
const TopicWithdrawInvoices = "subscriptions.invoices.withdraw"

// invoiceProvider is billing's name of the Invoicebox route.
const invoiceProvider = "invoicebox"

// invoiceRow gives a charge of the invoice route its integer payable id.
type invoiceRow struct {
	ID             int64
	ChargeID       string
	SubscriptionID int64
	MemberID       string
	CreatedAt      time.Time
}

func (invoiceRow) TableName() string { return "subscription_invoices" }

// UseInvoicebox turns the invoice route on: payments is billing with its Invoicebox route, and
// billing's Payables must hand InvoiceKind to this service (Payable, ApplyPaid, ApplyRefund). Call
// it before the service is used.
func (s *Service) UseInvoicebox(payments *billing.Service) { s.invoices = payments }

// RegisterInvoices adds the outbox handler that withdraws a cancelled subscription's invoices.
func (s *Service) RegisterInvoices(w *outbox.Worker) {
	w.Handle(TopicWithdrawInvoices, s.withdrawInvoicesNow)
}

// checkInvoiceRoute refuses the invoice route when billing's Invoicebox route is off or does not
// take the currency.
func (s *Service) checkInvoiceRoute(currency string) error {
	if s.invoices == nil || !s.invoices.Has(invoiceProvider) {
		return unavailable("счета Invoicebox не подключены: подключите Invoicebox в настройках оплаты")
	}
	if err := s.invoices.Unavailable(invoiceProvider, strings.ToUpper(currency)); err != nil {
		return fieldErr("currency", "Invoicebox не выставляет счета в этой валюте")
	}
	return nil
}

// requisites are the client's details an invoice is made out to (our copy of the card).
type requisites struct {
	EntityType   string
	Name         string
	INN          string `gorm:"column:inn"`
	KPP          string `gorm:"column:kpp"`
	LegalAddress string
	Phone        string
	Trusted      bool // may pay with the 30-day deferral
}

func clientRequisites(db *gorm.DB, clientID int64) (requisites, error) {
	var r requisites
	err := db.Table("clients").Select("entity_type, name, inn, kpp, legal_address, phone, trusted").
		Where("id = ?", clientID).Take(&r).Error
	return r, err
}

// checkRequisites refuses the invoice route for a client who is not an organisation or ИП with an
// ИНН: Invoicebox makes the invoice out to a legal customer by its ИНН (reference §5.2).
func checkRequisites(tx *gorm.DB, clientID int64) error {
	r, err := clientRequisites(tx, clientID)
	switch {
	case err != nil:
		return err
	case r.EntityType != "company" && len(r.INN) != 12:
		return fieldErr("route", "счёт каждый период выставляется только организациям и ИП: укажите в сделке компанию клиента")
	case r.INN == "":
		return fieldErr("route", "у компании клиента нет ИНН: заполните реквизиты в карточке компании, без них счёт не выставить")
	}
	return nil
}

// chargeDescription names what a charge pays for, on the order or invoice.
func chargeDescription(sub Subscription, c Charge) string {
	return fmt.Sprintf("%s, период с %s", sub.Title, schedules.ISODateRU(c.PeriodStart))
}

// Payable describes a charge of the invoice route to billing: what is owed of it while unpaid, the
// client's requisites as the invoice's legal customer, and the trusted client's deferral.
func (s *Service) Payable(ctx context.Context, memberID, kind string, id int64) (billing.Payable, error) {
	db := s.db.WithContext(ctx)
	if kind == ChargeKind {
		return chargePayableOf(db, memberID, id)
	}
	inv, err := invoiceOf(db, memberID, kind, id)
	if err != nil {
		return billing.Payable{}, err
	}
	var c Charge
	var sub Subscription
	if err := db.Where("id = ?", inv.ChargeID).Take(&c).Error; err != nil {
		return billing.Payable{}, notFound(err)
	}
	if err := db.Where("id = ?", inv.SubscriptionID).Take(&sub).Error; err != nil {
		return billing.Payable{}, notFound(err)
	}
	r, err := clientRequisites(db, sub.ClientID)
	if err != nil {
		return billing.Payable{}, notFound(err)
	}
	out := billing.Payable{MemberID: memberID, Kind: kind, ID: id, Currency: c.Currency, Description: chargeDescription(sub, c),
		Customer: billing.Customer{Company: true, Name: r.Name, INN: r.INN, KPP: r.KPP, Email: sub.Email, Phone: r.Phone,
			Address: r.LegalAddress}, Trusted: r.Trusted}
	if c.Status == ChargePending || c.Status == ChargeUnknown {
		out.OutstandingMinor = c.OwedMinor() // after a part payment, the remainder
	}
	return out, nil
}

func invoiceOf(db *gorm.DB, memberID, kind string, id int64) (invoiceRow, error) {
	var inv invoiceRow
	if kind != InvoiceKind {
		return inv, fmt.Errorf("%w: payable kind %s", ErrNotFound, kind)
	}
	err := db.Where("id = ? AND member_id = ?", id, memberID).Take(&inv).Error
	return inv, notFound(err)
}

// invoiceFor returns the payable row of a charge, made on first use (the unique charge id decides).
func (s *Service) invoiceFor(ctx context.Context, chargeID string) (invoiceRow, error) {
	db := s.db.WithContext(ctx)
	var c Charge
	if err := db.Where("id = ?", chargeID).Take(&c).Error; err != nil {
		return invoiceRow{}, notFound(err)
	}
	row := invoiceRow{ChargeID: c.ID, SubscriptionID: c.SubscriptionID, MemberID: c.MemberID, CreatedAt: s.clock.Now()}
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return invoiceRow{}, err
	}
	var stored invoiceRow
	err := db.Where("charge_id = ?", c.ID).Take(&stored).Error
	return stored, err
}

// invoiceGateway issues and reads invoices through billing. The charge's attempt key is not sent:
// billing's payment id is the order's merchantOrderId, and billing keeps at most one open payment
// per charge, so a repeat after a lost answer finds the order instead of making a second one.
type invoiceGateway struct{ s *Service }

// Pay issues the charge's invoice, or returns the one that is open.
func (g invoiceGateway) Pay(ctx context.Context, _ string, req PayRequest) (PayResult, error) {
	inv, err := g.s.invoiceFor(ctx, req.Metadata["charge_id"])
	if err != nil {
		return PayResult{}, err
	}
	p, err := g.s.invoices.PayWithin(ctx, inv.MemberID, InvoiceKind, inv.ID, invoiceProvider, 0)
	return invoiceResult(p, err)
}

// Get reads the invoice back. One whose time is up but that billing still has open is
// reconciled first, so its expiry is seen on the day it happens.
func (g invoiceGateway) Get(ctx context.Context, ref string) (PayResult, error) {
	p, err := g.s.invoices.Get(ctx, ref)
	if err != nil {
		return PayResult{}, err
	}
	if billing.Open(p.Status) && (p.Status == billing.StatusUnknown ||
		p.ExpiresAt != nil && !g.s.clock.Now().Before(*p.ExpiresAt)) {
		if err := g.s.invoices.CheckNow(ctx, ref); err != nil {
			return PayResult{}, fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
		}
		if p, err = g.s.invoices.Get(ctx, ref); err != nil {
			return PayResult{}, err
		}
	}
	return invoiceResult(p, nil)
}

// invoiceResult maps billing's payment (and error) to the gateway's answer.
func invoiceResult(p *billing.Payment, err error) (PayResult, error) {
	switch {
	case errors.Is(err, billing.ErrOutcomeUnknown), errors.Is(err, billing.ErrUnknownOutcome),
		errors.Is(err, billing.ErrOrderNotFound):
		return PayResult{}, fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
	case err != nil && p != nil && p.Status == billing.StatusFailed: // Invoicebox refused the order
		return PayResult{Ref: p.ID, Status: ChargeDeclined, Reason: "invoice_refused"}, nil
	case err != nil:
		return PayResult{}, err
	}
	r := PayResult{Ref: p.ID}
	if p.ExpiresAt != nil {
		r.Until = *p.ExpiresAt
	}
	switch {
	case billing.Open(p.Status) && p.PayURL == "":
		return PayResult{}, fmt.Errorf("%w: invoice %s not created yet", ErrOutcomeUnknown, p.ID)
	case billing.Open(p.Status):
		r.Status, r.ConfirmURL = ChargePending, p.PayURL
	case billing.Closed(p.Status):
		r.Status, r.Reason = ChargeFailed, "invoice_"+p.Status
	default: // succeeded, or refunded since
		r.Status = ChargeSucceeded
	}
	return r, nil
}
