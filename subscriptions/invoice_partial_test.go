package subscriptions

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/mail"
	"b24pay/store"
	"b24pay/store/storetest"
)

// The subscriptions of this file cost 12 200,00 ₽ a month; the client pays 4 000,00 ₽ first.
const (
	fullMinor = 1220000
	partMinor = 400000
	restMinor = fullMinor - partMinor
)

var part = decimal.NewFromInt(4000)

// setupPartPayments is the invoice route on 15.01.2027 with a company's monthly subscription
// agreed and its first invoice (12 200 ₽, three days to pay) open.
func setupPartPayments(t *testing.T, db *store.DB, edit ...func(*Config)) (*invoiceBundle, Subscription) {
	t.Helper()
	b := setupInvoices(t, db, "2027-01-15", edit...)
	return b, b.companySubscription(t, 42)
}

// companySubscription is a new company's monthly invoice subscription, agreed.
func (b *invoiceBundle) companySubscription(t *testing.T, b24ID int64) Subscription {
	t.Helper()
	b.company(t, b24ID, false)
	sub, _ := b.subscribeInvoices(t, invoiceMonthly("2027-01-15", b24ID))
	return sub
}

// partThenRemainderInvoice pays 4 000 ₽ of the first invoice, then runs the first dunning day's
// pass, which issues the invoice for the remainder; it returns the first invoice's payment.
func (b *invoiceBundle) partThenRemainderInvoice(t *testing.T, sub Subscription) billing.Payment {
	t.Helper()
	first := b.payPart(t, chargeID(sub.ID, 0), part)
	b.at(t, "2027-01-16")
	b.run(t)
	return first
}

// payPart pays part of the charge's open invoice on Invoicebox; the fake notifies billing.
func (b *invoiceBundle) payPart(t *testing.T, chargeID string, amount decimal.Decimal) billing.Payment {
	t.Helper()
	var c Charge
	require.NoError(t, b.db.Where("id = ?", chargeID).Take(&c).Error)
	require.Equal(t, ChargePending, c.Status, chargeID)
	ps := b.invoicePayments(t, chargeID)
	p := ps[len(ps)-1]
	require.NoError(t, b.ib.Pay(p.ProviderRef, amount))
	return p
}

// paidNotice is Invoicebox's signed notification that a payment's order is paid, total in all
// (a corrected total is a new notification, with its own dedup key), with the guaranteed fields
// of the reference (§9.1).
// notice is a signed notification as it reaches the webhook.
type notice struct {
	header http.Header
	body   []byte
}

func (b *invoiceBundle) paidNotice(t *testing.T, paymentID string, total decimal.Decimal) notice {
	t.Helper()
	o, ok := b.ib.Order(paymentID)
	require.True(t, ok)
	body, err := json.Marshal(map[string]any{"id": o.ID, "status": "completed", "merchantId": b.ib.MerchantID(),
		"merchantOrderId": o.MerchantOrderID, "amount": json.Number(total.StringFixed(2)), "currencyId": o.Currency,
		"createdAt": "2027-01-15T09:00:00+03:00", "paidAt": "2027-01-15T10:00:00+03:00"})
	require.NoError(t, err)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Signature", b.ib.Sign(body))
	return notice{h, body}
}

// receive delivers a notification to billing's inbox as the webhook does.
func (b *invoiceBundle) receive(t *testing.T, n notice) {
	t.Helper()
	require.Equal(t, billing.OutcomeOK, b.payments.Receive(context.Background(), "invoicebox", n.header, n.body))
}

// requirePaidOnce checks a period paid in full exactly once: the charge paid with all its money
// booked, the subscription active with one paid period, and one receipt.
func (b *invoiceBundle) requirePaidOnce(t *testing.T, subID int64, paidMinor int64) {
	t.Helper()
	c := b.charges(t, subID)[0]
	require.Equal(t, ChargeSucceeded, c.Status)
	require.EqualValues(t, paidMinor, c.PaidMinor)
	require.Zero(t, c.OwedMinor())
	sub := b.sub(t, subID)
	require.Equal(t, StatusActive, sub.Status)
	require.Equal(t, 1, sub.PaidCount)
	require.EqualValues(t, paidMinor, sub.PaidMinor)
	require.Zero(t, sub.DunningStep)
	require.Len(t, b.lettersOf(t, mail.Receipt), 1)
}

func (b *invoiceBundle) comments(t *testing.T) string { return strings.Join(b.b24Comments(t), "\n") }

// A company pays 4 000 ₽ of a 12 200 ₽ invoice. The period is not paid: the charge keeps the part,
// the subscription is past_due, the manager and the timeline hear of the part and the remainder,
// and the dunning day's invoice asks for the 8 200 ₽ left. Paying it pays the period, once.
// (Before, the part payment counted the whole period as paid.)
func TestInvoicePartPaymentThenTheRemainderInvoice(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b, sub := setupPartPayments(t, db)
		first := b.payPart(t, chargeID(sub.ID, 0), part)

		c := b.charges(t, sub.ID)[0]
		require.Equal(t, ChargeFailed, c.Status, "a part does not pay the period")
		require.Equal(t, reasonPartlyPaid, c.DeclineReason)
		require.EqualValues(t, partMinor, c.PaidMinor)
		require.EqualValues(t, restMinor, c.OwedMinor())
		require.True(t, c.PartlyPaid())
		require.Equal(t, "2027-01-16", c.NextAttemptOn, "the first dunning day")
		sub = b.sub(t, sub.ID)
		require.Equal(t, StatusPastDue, sub.Status)
		require.Zero(t, sub.PaidCount)
		require.EqualValues(t, partMinor, sub.PaidMinor, "the paid total counts the money received")
		require.Equal(t, 1, sub.DunningStep)
		require.Empty(t, b.lettersOf(t, mail.Receipt))
		p, err := b.payments.Get(context.Background(), first.ID)
		require.NoError(t, err)
		require.Equal(t, billing.StatusSucceeded, p.Status)
		require.EqualValues(t, partMinor, p.PaidMinor, "billing booked what was paid")
		require.Contains(t, b.comments(t), "оплачен частично: оплачено "+Human(partMinor, "RUB")+" из "+Human(fullMinor, "RUB")+
			", остаток "+Human(restMinor, "RUB"))
		require.True(t, b.managerNotified(t, "оплачен частично"))

		b.at(t, "2027-01-16")
		b.run(t)
		c = b.charges(t, sub.ID)[0]
		require.Equal(t, ChargePending, c.Status)
		require.Equal(t, 2, c.Attempt)
		ps := b.invoicePayments(t, c.ID)
		require.Len(t, ps, 2)
		require.EqualValues(t, restMinor, ps[1].AmountMinor, "the new invoice asks for the remainder only")
		order, ok := b.ib.Order(ps[1].ID)
		require.True(t, ok)
		require.True(t, order.Amount.Equal(decimal.NewFromInt(8200)), order.Amount.String())
		letters := b.lettersOf(t, mail.SubscriptionInvoice)
		require.Len(t, letters, 2)
		require.Equal(t, Human(restMinor, "RUB"), letters[1].Data.Amount)
		require.Contains(t, letters[1].Data.Reason, "оплачен частично (поступило "+Human(partMinor, "RUB")+" из "+Human(fullMinor, "RUB")+")")
		require.Contains(t, b.comments(t), "Выставлен счёт Invoicebox на "+Human(restMinor, "RUB"))

		b.payInvoice(t, c.ID)
		b.requirePaidOnce(t, sub.ID, fullMinor)
		b.later(t)
		b.run(t)
		require.Equal(t, "2027-02-15", b.sub(t, sub.ID).NextChargeOn, "nothing owed: the next period")
	})
}

// The rest arrives on the same order (Invoicebox reports the order paid 12 200 ₽ in all), after
// the remainder's invoice went out: the period is paid once, with one receipt, and the
// remainder's invoice is withdrawn at Invoicebox so it cannot be paid twice.
func TestInvoicePartThenTheRestOnTheSameOrder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b, sub := setupPartPayments(t, db)
		first := b.partThenRemainderInvoice(t, sub)
		require.Len(t, b.invoicePayments(t, chargeID(sub.ID, 0)), 2)

		b.receive(t, b.paidNotice(t, first.ID, decimal.NewFromInt(12200)))
		b.requirePaidOnce(t, sub.ID, fullMinor)
		p, err := b.payments.Get(context.Background(), first.ID)
		require.NoError(t, err)
		require.EqualValues(t, fullMinor, p.PaidMinor)

		b.runOutbox(t, TopicWithdrawInvoices, b.svc.withdrawInvoicesNow)
		rest := b.invoicePayments(t, chargeID(sub.ID, 0))[1]
		require.Equal(t, billing.StatusCancelled, rest.Status)
		order, _ := b.ib.Order(rest.ID)
		require.Equal(t, "canceled", order.Status)
		b.requirePaidOnce(t, sub.ID, fullMinor)
	})
}

// The part payment's notification is delivered three times and repeated later: booked once.
// Then, on another subscription, the order's total arrives before the part: the part books nothing.
func TestInvoicePartPaymentDuplicateAndReorderedNotifications(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b, sub := setupPartPayments(t, db)
		b.ib.DuplicateDeliveries(2)
		first := b.payPart(t, chargeID(sub.ID, 0), part)
		require.NoError(t, b.ib.Notify(first.ProviderRef))
		c := b.charges(t, sub.ID)[0]
		require.EqualValues(t, partMinor, c.PaidMinor, "the part is counted once")
		sub = b.sub(t, sub.ID)
		require.EqualValues(t, partMinor, sub.PaidMinor)
		require.Equal(t, 1, sub.DunningStep)
		require.Equal(t, 1, strings.Count(b.comments(t), "оплачен частично"))
		p, err := b.payments.Get(context.Background(), first.ID)
		require.NoError(t, err)
		require.EqualValues(t, partMinor, p.PaidMinor)

		other := b.companySubscription(t, 43)
		b.ib.HoldNotifications() // the fake's own notice is never sent: ours come in the other order
		pay := b.payPart(t, chargeID(other.ID, 0), part)
		b.receive(t, b.paidNotice(t, pay.ID, decimal.NewFromInt(12200)))
		b.receive(t, b.paidNotice(t, pay.ID, part))
		b.receive(t, b.paidNotice(t, pay.ID, part))
		b.requirePaidOnce(t, other.ID, fullMinor)
	})
}

// The part's and the rest's notifications of one order arrive at the same moment: whichever is
// settled first, the period is paid once with all the money booked.
func TestInvoicePartAndRestNotificationsRace(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b, sub := setupPartPayments(t, db)
		b.ib.HoldNotifications()
		pay := b.payPart(t, chargeID(sub.ID, 0), part)
		notices := []notice{b.paidNotice(t, pay.ID, part), b.paidNotice(t, pay.ID, decimal.NewFromInt(12200))}
		start := make(chan struct{})
		var wg sync.WaitGroup
		outcomes := make([]billing.Outcome, len(notices))
		for i, n := range notices {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				outcomes[i] = b.payments.Receive(context.Background(), "invoicebox", n.header, n.body)
			}()
		}
		close(start)
		wg.Wait()
		require.Equal(t, []billing.Outcome{billing.OutcomeOK, billing.OutcomeOK}, outcomes)
		b.requirePaidOnce(t, sub.ID, fullMinor)
	})
}

// A part is paid and the invoice for the remainder is never paid: when the dunning days run out
// the subscription is suspended or cancelled as configured, and the part stays booked on the
// charge, in the paid total and at billing. Money that comes after that is booked too.
func TestInvoicePartPaymentThenDunningRunsOut(t *testing.T) {
	t.Parallel()
	for _, after := range []string{AfterDunningSuspend, AfterDunningCancel} {
		t.Run(after, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				b, sub := setupPartPayments(t, db, func(c *Config) { c.Dunning, c.AfterDunning = []int{1}, after })
				first := b.payPart(t, chargeID(sub.ID, 0), part)
				for _, day := range []string{"2027-01-16", "2027-01-20"} { // the remainder's invoice, then its expiry
					b.at(t, day)
					b.run(t)
				}
				sub = b.sub(t, sub.ID)
				require.Equal(t, after, sub.Status)
				chargeStatus := ChargeFailed
				if after == AfterDunningCancel {
					b.runOutbox(t, TopicWithdrawInvoices, b.svc.withdrawInvoicesNow)
					chargeStatus = ChargeVoid
				}
				c := b.charges(t, sub.ID)[0]
				require.Equal(t, chargeStatus, c.Status)
				require.Equal(t, 2, c.Attempt)
				require.EqualValues(t, partMinor, c.PaidMinor, "the part stays booked on the charge")
				require.EqualValues(t, partMinor, b.sub(t, sub.ID).PaidMinor)
				require.Zero(t, b.sub(t, sub.ID).PaidCount)
				ps := b.invoicePayments(t, c.ID)
				require.Equal(t, billing.StatusSucceeded, ps[0].Status)
				require.EqualValues(t, partMinor, ps[0].PaidMinor)
				require.Equal(t, billing.StatusExpired, ps[1].Status)
				require.Empty(t, b.lettersOf(t, mail.Receipt))

				b.receive(t, b.paidNotice(t, first.ID, decimal.NewFromInt(12200))) // the rest, late
				c = b.charges(t, sub.ID)[0]
				require.Equal(t, ChargeSucceeded, c.Status)
				require.EqualValues(t, fullMinor, c.PaidMinor)
				sub = b.sub(t, sub.ID)
				require.EqualValues(t, fullMinor, sub.PaidMinor)
				require.Equal(t, 1, sub.PaidCount)
				require.Len(t, b.lettersOf(t, mail.Receipt), 1)
				if after == AfterDunningCancel {
					require.Equal(t, StatusCancelled, sub.Status, "money after a cancellation is booked; it stays cancelled")
				} else {
					require.Equal(t, StatusActive, sub.Status, "nothing overdue: active again")
				}
			})
		})
	}
}

// The rest is paid twice at the same moment, on the remainder's invoice and on the first order:
// the period is paid once, with one receipt; the second payment is an overpayment, booked on the
// charge and told to the manager.
func TestInvoiceRestPaidTwiceConcurrentlyIsAnOverpayment(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b, sub := setupPartPayments(t, db)
		first := b.partThenRemainderInvoice(t, sub)
		late := b.paidNotice(t, first.ID, decimal.NewFromInt(12200))
		rest := b.invoicePayments(t, chargeID(sub.ID, 0))[1]
		start := make(chan struct{})
		var wg sync.WaitGroup
		var lateOutcome billing.Outcome
		var payErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			lateOutcome = b.payments.Receive(context.Background(), "invoicebox", late.header, late.body)
		}()
		go func() {
			defer wg.Done()
			<-start
			payErr = b.ib.Pay(rest.ProviderRef, decimal.NewFromInt(8200))
		}()
		close(start)
		wg.Wait()
		require.NoError(t, payErr)
		require.Equal(t, billing.OutcomeOK, lateOutcome)
		b.requirePaidOnce(t, sub.ID, fullMinor+restMinor)
		require.True(t, b.managerNotified(t, "Переплата за период с 15.01.2027"))
	})
}
