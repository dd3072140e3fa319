package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

// Kind names an e-mail; each has templates/<kind>.html and templates/<kind>.txt.
type Kind string

// The e-mails of recurring payments.
const (
	Receipt               Kind = "receipt"
	PaymentFailed         Kind = "payment_failed"
	DunningReminder       Kind = "dunning_reminder"
	UpcomingCharge        Kind = "upcoming_charge"
	SubscriptionCancelled Kind = "subscription_cancelled"
)

// InstalmentReceipt tells the client that money for a payment schedule arrived: Title (the
// schedule), Amount, ChargeDate, Applied, Remaining, NextAmount and NextDate (empty when nothing is due).
const InstalmentReceipt Kind = "instalment_receipt"

// The e-mails of the client cabinet.
const (
	CabinetVerify     Kind = "cabinet_verify"     // confirm the e-mail: Link, LinkValid
	CabinetReset      Kind = "cabinet_reset"      // set a new password: Link, LinkValid
	CabinetInvite     Kind = "cabinet_invite"     // a manager's invitation: Link, LinkValid
	CabinetRegistered Kind = "cabinet_registered" // a second registration: Link (sign in), ForgotURL
)

// PayLink is a manager's pay link for an instalment, sent from the deal tab: Title, Amount,
// ChargeDate (the due date), PayURL.
const PayLink Kind = "pay_link"

// SubscriptionInvoice is a period's B2B invoice of a subscription on the invoice route: Title,
// Amount, ChargeDate (pay by), Period, PayURL (the invoice's page), ManageURL; Reason is set when it
// is issued again because the previous one expired unpaid (a reminder).
const SubscriptionInvoice Kind = "subscription_invoice"

// ChargeRefunded tells the client that money of a subscription charge went back: Title, Amount
// (the refund), ChargeDate (the period's start), Card, Reason (the manager's, may be empty).
const ChargeRefunded Kind = "charge_refunded"

// Kinds lists every e-mail, for start-up checks.
var Kinds = []Kind{Receipt, PaymentFailed, DunningReminder, UpcomingCharge, SubscriptionCancelled,
	CabinetVerify, CabinetReset, CabinetInvite, CabinetRegistered, PayLink, InstalmentReceipt, SubscriptionInvoice,
	ChargeRefunded}

// Data is what the templates may show. Amounts and dates arrive formatted for people.
type Data struct {
	Merchant    string // the seller's name
	ClientName  string
	Title       string // what the subscription is for
	Amount      string // «990,00 ₽»
	Period      string // «ежемесячно», «каждые 2 недели»
	ChargeDate  string // «02.12.2026»
	NextDate    string // next charge, «02.01.2027»; empty if none
	Card        string // «•••• 4444»
	Reason      string // why a charge failed, for people
	RetryDate   string // next automatic attempt; empty if none
	PayURL      string // pay now / replace the card
	ManageURL   string // how to pause or cancel
	PaidCount   int
	CancelledAt string // «02.12.2026»
	Link        string // the one-time link of a cabinet e-mail
	LinkValid   string // how long it works, «48 часов»
	ForgotURL   string // the cabinet's password reset page
	Applied     string // what a payment paid off, «№2 +20 000,00 ₽»
	Remaining   string // what is left to pay on a schedule, «80 000,00 ₽»
	NextAmount  string // the next instalment's amount due on NextDate
}

//go:embed templates/*.html templates/*.txt
var files embed.FS

// Templates are the parsed e-mails; Parse checks them all at start-up.
type Templates struct {
	html map[Kind]*htmltemplate.Template
	text map[Kind]*texttemplate.Template
}

// Rendered is one e-mail ready to send.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

// Parse reads every template and renders each with sample data, so a broken template stops the
// service at start-up rather than failing a client's e-mail later.
func Parse() (*Templates, error) {
	t := &Templates{html: map[Kind]*htmltemplate.Template{}, text: map[Kind]*texttemplate.Template{}}
	for _, k := range Kinds {
		h, err := htmltemplate.New("layout.html").Option("missingkey=error").
			ParseFS(files, "templates/layout.html", "templates/"+string(k)+".html")
		if err != nil {
			return nil, fmt.Errorf("mail: template %s: %w", k, err)
		}
		x, err := texttemplate.New(string(k)+".txt").Option("missingkey=error").
			ParseFS(files, "templates/"+string(k)+".txt")
		if err != nil {
			return nil, fmt.Errorf("mail: template %s: %w", k, err)
		}
		t.html[k], t.text[k] = h, x
		if _, err := t.Render(k, Sample()); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Sample is data every template must render.
func Sample() Data {
	return Data{Merchant: "ООО «Ромашка»", ClientName: "Иван Петров", Title: "Подписка «Бизнес»",
		Amount: "990,00\u00a0₽", Period: "ежемесячно", ChargeDate: "02.12.2026", NextDate: "02.01.2027",
		Card: "•••• 4444", Reason: "недостаточно средств", RetryDate: "03.12.2026",
		PayURL: "https://pay.example.ru/s/pay", ManageURL: "https://pay.example.ru/s/manage", PaidCount: 3,
		CancelledAt: "02.12.2026", Link: "https://pay.example.ru/cabinet/verify?token=abc", LinkValid: "48 часов",
		ForgotURL: "https://pay.example.ru/cabinet/forgot", Applied: "№2 +990,00\u00a0₽", Remaining: "1\u00a0980,00\u00a0₽",
		NextAmount: "990,00\u00a0₽"}
}

// Render fills the e-mail of kind k.
func (t *Templates) Render(k Kind, d Data) (Rendered, error) {
	x, h := t.text[k], t.html[k]
	if x == nil || h == nil {
		return Rendered{}, fmt.Errorf("mail: unknown e-mail %q", k)
	}
	var subj, text, html bytes.Buffer
	if err := x.ExecuteTemplate(&subj, "subject", d); err != nil {
		return Rendered{}, fmt.Errorf("mail: %s subject: %w", k, err)
	}
	if err := x.Execute(&text, d); err != nil {
		return Rendered{}, fmt.Errorf("mail: %s text: %w", k, err)
	}
	if err := h.Execute(&html, d); err != nil {
		return Rendered{}, fmt.Errorf("mail: %s html: %w", k, err)
	}
	return Rendered{Subject: strings.TrimSpace(subj.String()), Text: strings.TrimSpace(text.String()) + "\n",
		HTML: html.String()}, nil
}
