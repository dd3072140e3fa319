package subscriptions

import (
	"context"
	"errors"

	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"b24pay/billing"
	"b24pay/mail"
	"b24pay/outbox"
	"b24pay/store"
	"b24pay/store/storetest"
)

// A trusted company agrees to an invoice each month; twelve invoices go out on their period
// starts with the 30-day deferral and the company's requisites, each is paid on Invoicebox and
// settled by its notification: twelve paid periods, twelve receipts, one order per invoice.
func TestInvoiceRouteYearOfMonthlyInvoicesPaidByNotification(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setupInvoices(t, db, "2027-01-15")
		b.company(t, 42, true)
		sub, link := b.subscribeInvoices(t, invoiceMonthly("2027-01-15", 42))
		require.Equal(t, StatusActive, sub.Status)
		require.True(t, strings.HasPrefix(link, "https://pay.invoicebox.ru/order/"), link)
		var consent Consent
		require.NoError(t, db.Where("subscription_id = ?", sub.ID).Take(&consent).Error)
		require.Equal(t, "203.0.113.7", consent.IP)
		require.Contains(t, consent.Terms, `"route":"invoicebox"`)
		require.Contains(t, consent.Terms, "новых счетов не будет")
		for m := range 12 {
			if m > 0 {
				b.at(t, sub.PeriodStart(m).String())
				b.run(t)
			}
			c := b.charges(t, sub.ID)[m]
			require.Equal(t, ChargePending, c.Status)
			p := b.invoicePayments(t, c.ID)[0]
			order, ok := b.ib.Order(p.ID)
			require.True(t, ok)
			require.Equal(t, b.clock.Now().Add(30*24*time.Hour).Unix(), order.Expiration.Unix(), "trusted: 30-day deferral")
			b.payInvoice(t, c.ID)
		}
		cs := b.charges(t, sub.ID)
		require.Len(t, cs, 12)
		for i, c := range cs {
			require.Equal(t, ChargeSucceeded, c.Status, i)
			b.requireOneOrderEach(t, c.ID, 1)
		}
		sub = b.sub(t, sub.ID)
		require.Equal(t, 12, sub.PaidCount)
		require.EqualValues(t, 12*1220000, sub.PaidMinor)
		require.Equal(t, StatusActive, sub.Status)
		require.Len(t, b.lettersOf(t, mail.SubscriptionInvoice), 12)
		require.Len(t, b.lettersOf(t, mail.Receipt), 12)
		require.Equal(t, 12, b.creates.count())
		for _, body := range b.creates.bodies {
			require.Contains(t, body, "7710044140")
			require.Contains(t, body, "770201001")
			require.Contains(t, body, `"legal"`)
		}
		first := b.lettersOf(t, mail.SubscriptionInvoice)[0]
		require.Equal(t, "buh@vector.example", first.To)
		require.True(t, strings.HasPrefix(first.Data.PayURL, "https://pay.invoicebox.ru/order/"))
		require.Equal(t, "14.02.2027", first.Data.RetryDate)
		comments := strings.Join(b.b24Comments(t), "\n")
		require.Equal(t, 12, strings.Count(comments, "Выставлен счёт Invoicebox"))
		require.Equal(t, 12, strings.Count(comments, "Оплачено "))
	})
}

// A paid notification delivered three times, and two invoices' notifications delivered newest
// first: each period is paid once, with one receipt.
func TestInvoiceRouteDuplicateAndReorderedNotifications(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setupInvoices(t, db, "2027-01-15")
		b.company(t, 42, true)
		sub, _ := b.subscribeInvoices(t, invoiceMonthly("2027-01-15", 42))
		b.ib.HoldNotifications()
		b.at(t, "2027-02-10")
		b.payInvoice(t, chargeID(sub.ID, 0)) // paid; its notification is held
		b.at(t, "2027-02-15")
		b.run(t) // period 1 invoiced; period 0's charge still waits for its notification
		cs := b.charges(t, sub.ID)
		require.Len(t, cs, 2)
		b.payInvoice(t, cs[1].ID)
		b.ib.DuplicateDeliveries(2)
		b.ib.Release(true)
		require.NoError(t, b.ib.Notify(b.invoicePayments(t, cs[0].ID)[0].ProviderRef)) // a late repeat

		for _, c := range b.charges(t, sub.ID) {
			require.Equal(t, ChargeSucceeded, c.Status)
		}
		sub = b.sub(t, sub.ID)
		require.Equal(t, 2, sub.PaidCount)
		require.EqualValues(t, 2*1220000, sub.PaidMinor)
		require.Len(t, b.lettersOf(t, mail.Receipt), 2)
		for _, d := range b.ib.Deliveries() {
			require.True(t, d.Accepted, "every delivery is answered success")
		}
	})
}

// The answer to the first invoice's create is lost (Invoicebox made the order, we got a 500): the
// charge is unknown, and the next pass finds that order by our id instead of making a second.
func TestInvoiceRouteLostCreateAnswerMakesNoSecondOrder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setupInvoices(t, db, "2027-01-15")
		b.company(t, 42, true)
		ctx := context.Background()
		sub, err := b.svc.Create(ctx, invoiceMonthly("2027-01-15", 42))
		require.NoError(t, err)
		b.ib.FailNext(1, true)
		_, err = b.svc.Accept(ctx, AcceptInput{Token: sub.PayToken, Agreed: true, IP: "203.0.113.7", UserAgent: "Firefox"})
		require.ErrorIs(t, err, ErrGatewayUnavailable)
		c := b.charges(t, sub.ID)[0]
		require.Equal(t, ChargeUnknown, c.Status)
		require.Empty(t, b.lettersOf(t, mail.SubscriptionInvoice))

		b.later(t)
		b.run(t)
		c = b.charges(t, sub.ID)[0]
		require.Equal(t, ChargePending, c.Status)
		require.NotEmpty(t, c.PayURL)
		b.requireOneOrderEach(t, c.ID, 1)
		require.Equal(t, 1, b.creates.count(), "no second create")
		require.Len(t, b.lettersOf(t, mail.SubscriptionInvoice), 1)
		b.payInvoice(t, c.ID)
		require.Equal(t, 1, b.sub(t, sub.ID).PaidCount)
	})
}

// A pass dies after committing the period's charge rows and before asking Invoicebox: the next
// pass after the lease issues exactly one invoice per charge.
func TestInvoiceRouteCrashBetweenChargeRowAndInvoiceboxCall(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setupInvoices(t, db, "2027-01-15")
		b.company(t, 42, true)
		sub, _ := b.subscribeInvoices(t, invoiceMonthly("2027-01-15", 42))
		b.at(t, "2027-02-15")
		jobs, err := b.svc.open(context.Background(), &pass{now: b.clock.Now(), routes: b.svc.billedRoutes()})
		require.NoError(t, err)
		require.Len(t, jobs, 1) // ...and the process is gone
		c := b.charges(t, sub.ID)[1]
		require.Equal(t, ChargePending, c.Status)
		require.Empty(t, b.invoicePaymentsOrNone(t, c.ID))

		b.run(t) // within the lease: left alone
		require.Empty(t, b.invoicePaymentsOrNone(t, c.ID))
		b.later(t)
		b.run(t)
		b.later(t)
		b.run(t)
		b.requireOneOrderEach(t, c.ID, 1)
		require.Len(t, b.charges(t, sub.ID), 2)
		require.Len(t, b.lettersOf(t, mail.SubscriptionInvoice), 2)
	})
}

func (b *invoiceBundle) invoicePaymentsOrNone(t *testing.T, chargeID string) []billing.Payment {
	t.Helper()
	var n int64
	require.NoError(t, b.db.Model(&invoiceRow{}).Where("charge_id = ?", chargeID).Count(&n).Error)
	if n == 0 {
		return nil
	}
	return b.invoicePayments(t, chargeID)
}

// Four passes at the same moment over twenty invoice subscriptions: one charge, one payment and
// one order per period, one invoice e-mail each.
func TestInvoiceRouteConcurrentPassesInvoiceEachPeriodOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setupInvoices(t, db, "2027-01-15", func(c *Config) { c.Batch, c.Workers = 3, 2 })
		subs := make([]Subscription, 20)
		for i := range subs {
			b.company(t, int64(100+i), true)
			subs[i], _ = b.subscribeInvoices(t, invoiceMonthly("2027-01-15", int64(100+i)))
		}
		b.at(t, "2027-02-15")
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 4 {
			wg.Go(func() {
				<-start
				rep, err := b.svc.RunDue(context.Background(), b.clock.Now())
				require.NoError(t, err)
				require.Zero(t, rep.Errors)
			})
		}
		close(start)
		wg.Wait()
		for _, sub := range subs {
			cs := b.charges(t, sub.ID)
			require.Len(t, cs, 2, "subscription %d", sub.ID)
			require.Equal(t, ChargePending, cs[1].Status)
			b.requireOneOrderEach(t, cs[1].ID, 1)
		}
		require.Len(t, b.lettersOf(t, mail.SubscriptionInvoice), 40)
		require.Equal(t, 40, b.creates.count())
	})
}

// An invoice of a company that is not trusted expires unpaid after the route's default 3 days:
// the subscription is past_due and the manager told; the next day the invoice is issued again and
// mailed as a reminder; the next (weekly) period is invoiced on schedule meanwhile; the late
// payment makes the subscription active again.
func TestInvoiceRouteUnpaidPastDueThenPaidLate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setupInvoices(t, db, "2027-01-15")
		b.company(t, 42, false)
		in := invoiceMonthly("2027-01-15", 42)
		in.PeriodUnit = "week"
		sub, _ := b.subscribeInvoices(t, in)
		first := b.invoicePayments(t, chargeID(sub.ID, 0))[0]
		require.Equal(t, b.clock.Now().Add(72*time.Hour).Unix(), first.ExpiresAt.Unix(), "default 3 days")

		b.at(t, "2027-01-18")
		b.run(t)
		require.Equal(t, StatusActive, b.sub(t, sub.ID).Status, "not before it expires")
		b.at(t, "2027-01-19")
		b.run(t)
		c := b.charges(t, sub.ID)[0]
		require.Equal(t, ChargeFailed, c.Status)
		require.Equal(t, "invoice_expired", c.DeclineReason)
		require.Equal(t, "2027-01-20", c.NextAttemptOn)
		sub = b.sub(t, sub.ID)
		require.Equal(t, StatusPastDue, sub.Status)
		b.later(t)
		b.run(t) // the pass after an answer plans the next date from every open invoice
		require.Equal(t, "2027-01-20", b.sub(t, sub.ID).NextChargeOn)
		require.Equal(t, billing.StatusExpired, b.invoicePayments(t, c.ID)[0].Status)
		require.True(t, b.managerNotified(t, "не оплачен в срок"))
		_, err := b.svc.ReplaceCard(context.Background(), sub.PayToken, "")
		require.ErrorIs(t, err, ErrConflict, "no card to replace on the invoice route")

		b.at(t, "2027-01-20")
		b.run(t)
		c = b.charges(t, sub.ID)[0]
		require.Equal(t, ChargePending, c.Status)
		require.Equal(t, 2, c.Attempt)
		b.requireOneOrderEach(t, c.ID, 2)
		reminders := b.lettersOf(t, mail.SubscriptionInvoice)
		require.Len(t, reminders, 2)
		require.NotEmpty(t, reminders[1].Data.Reason, "the second invoice is a reminder")
		require.NotEqual(t, reminders[0].Data.PayURL, reminders[1].Data.PayURL)

		b.at(t, "2027-01-22") // a new period while past_due: invoiced on schedule
		b.run(t)
		cs := b.charges(t, sub.ID)
		require.Len(t, cs, 2)
		require.Equal(t, ChargePending, cs[1].Status)
		require.Equal(t, StatusPastDue, b.sub(t, sub.ID).Status)

		b.payInvoice(t, cs[0].ID) // paid late, on the second invoice
		sub = b.sub(t, sub.ID)
		require.Equal(t, StatusActive, sub.Status)
		require.Zero(t, sub.DunningStep)
		require.Equal(t, 1, sub.PaidCount)
		b.payInvoice(t, cs[1].ID)
		require.Equal(t, 2, b.sub(t, sub.ID).PaidCount)
		require.Len(t, b.lettersOf(t, mail.Receipt), 2)
	})
}

// When the re-issues run out the subscription is suspended as configured, and no further period
// is invoiced.
func TestInvoiceRouteDunningRunsOutSuspends(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setupInvoices(t, db, "2027-01-15", func(c *Config) { c.Dunning = []int{1} })
		b.company(t, 42, false)
		sub, _ := b.subscribeInvoices(t, invoiceMonthly("2027-01-15", 42))
		for _, day := range []string{"2027-01-19", "2027-01-20", "2027-01-24"} {
			b.at(t, day)
			b.run(t)
		}
		sub = b.sub(t, sub.ID)
		require.Equal(t, StatusSuspended, sub.Status)
		require.Equal(t, 2, b.charges(t, sub.ID)[0].Attempt)
		require.Equal(t, 1, sub.DunningStep, "one overdue period, however often re-issued")
		b.at(t, "2027-02-15")
		b.run(t)
		require.Len(t, b.charges(t, sub.ID), 1)
	})
}

func (b *invoiceBundle) managerNotified(t *testing.T, text string) bool {
	t.Helper()
	var rows []outbox.Row
	require.NoError(t, b.db.Where("topic = ?", TopicNotifyManager).Find(&rows).Error)
	for _, r := range rows {
		if strings.Contains(r.Payload, text) {
			return true
		}
	}
	return false
}

// Cancelling a subscription cancels its open invoice at Invoicebox (through the outbox) and makes
// the charge void; a later payment attempt on that order is refused by Invoicebox.
func TestInvoiceRouteCancelCancelsTheOpenOrder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setupInvoices(t, db, "2027-01-15")
		b.company(t, 42, true)
		sub, _ := b.subscribeInvoices(t, invoiceMonthly("2027-01-15", 42))
		c := b.charges(t, sub.ID)[0]
		_, err := b.svc.Cancel(context.Background(), member, sub.ID, false)
		require.NoError(t, err)
		b.runOutbox(t, TopicWithdrawInvoices, b.svc.withdrawInvoicesNow)

		p := b.invoicePayments(t, c.ID)[0]
		order, _ := b.ib.Order(p.ID)
		require.Equal(t, "canceled", order.Status)
		require.Equal(t, billing.StatusCancelled, p.Status)
		require.Equal(t, ChargeVoid, b.charges(t, sub.ID)[0].Status)
		require.Equal(t, StatusCancelled, b.sub(t, sub.ID).Status)
		require.Error(t, b.ib.Pay(p.ProviderRef, major(c.AmountMinor, c.Currency)))
		require.Len(t, b.lettersOf(t, mail.SubscriptionCancelled), 1)

		// Money billing still books for the closed invoice (its reconciliation found it paid) counts.
		var inv invoiceRow
		require.NoError(t, db.Where("charge_id = ?", c.ID).Take(&inv).Error)
		require.NoError(t, db.Transaction(func(tx *gorm.DB) error {
			return b.svc.ApplyPaid(context.Background(), tx, member, InvoiceKind, inv.ID, c.AmountMinor, "late")
		}))
		require.Equal(t, ChargeSucceeded, b.charges(t, sub.ID)[0].Status)
		sub = b.sub(t, sub.ID)
		require.Equal(t, StatusCancelled, sub.Status)
		require.Equal(t, 1, sub.PaidCount)
	})
}

// The client pays the open invoice just as the subscription is cancelled (the notification is
// late): withdrawing finds the order paid, and the period is booked as paid, not voided.
func TestInvoiceRouteCancelRacingAPaymentBooksIt(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setupInvoices(t, db, "2027-01-15")
		b.company(t, 42, true)
		sub, _ := b.subscribeInvoices(t, invoiceMonthly("2027-01-15", 42))
		b.ib.HoldNotifications()
		b.payInvoice(t, chargeID(sub.ID, 0))
		_, err := b.svc.Cancel(context.Background(), member, sub.ID, false)
		require.NoError(t, err)
		b.runOutbox(t, TopicWithdrawInvoices, b.svc.withdrawInvoicesNow)
		b.ib.Release(false)
		require.Equal(t, ChargeSucceeded, b.charges(t, sub.ID)[0].Status)
		require.Equal(t, 1, b.sub(t, sub.ID).PaidCount)
		require.Len(t, b.lettersOf(t, mail.Receipt), 1)
		require.Equal(t, billing.StatusSucceeded, b.invoicePayments(t, chargeID(sub.ID, 0))[0].Status)
	})
}

// Pause skips the periods in it, resume keeps the anchor, a change of amount applies to the next
// invoice: as on the other routes.
func TestInvoiceRoutePauseResumeAndAmountChange(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setupInvoices(t, db, "2027-01-31")
		b.company(t, 42, true)
		ctx := context.Background()
		sub, _ := b.subscribeInvoices(t, invoiceMonthly("2027-01-31", 42))
		b.payInvoice(t, chargeID(sub.ID, 0))
		_, err := b.svc.Pause(ctx, PauseInput{MemberID: member, ID: sub.ID, From: "2027-02-01", Until: "2027-03-05"})
		require.NoError(t, err)
		b.at(t, "2027-02-28")
		b.run(t)
		require.Len(t, b.charges(t, sub.ID), 1, "nothing invoiced in the pause")
		_, err = b.svc.ChangeAmount(ctx, ChangeAmountInput{MemberID: member, ID: sub.ID, Amount: decimal.RequireFromString("11000")})
		require.NoError(t, err)
		b.at(t, "2027-03-31")
		b.run(t)
		cs := b.charges(t, sub.ID)
		require.Len(t, cs, 2)
		require.Equal(t, "2027-03-31", cs[1].PeriodStart, "the anchor's day kept")
		require.EqualValues(t, 1100000, cs[1].AmountMinor)
		require.Equal(t, StatusActive, b.sub(t, sub.ID).Status)
	})
}

// The invoice route is refused with a reason the manager can act on: a person without an ИНН, a
// company without requisites, Invoicebox not connected. Nothing is stored.
func TestInvoiceRouteRefusedWithAReason(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setupInvoices(t, db, "2027-01-15")
		ctx := context.Background()
		person := invoiceMonthly("2027-01-15", 7)
		person.Client.EntityType = "contact"
		_, err := b.svc.Create(ctx, person)
		var fe *FieldError
		require.True(t, errors.As(err, &fe), "%v", err)
		require.Contains(t, fe.Message, "организациям и ИП")

		require.NoError(t, db.Exec(`INSERT INTO clients (member_id, entity_type, b24_id, name, updated_at)
			VALUES (?, 'company', 8, 'ООО «Без реквизитов»', ?)`, member, b.clock.Now()).Error)
		_, err = b.svc.Create(ctx, invoiceMonthly("2027-01-15", 8))
		require.True(t, errors.As(err, &fe))
		require.Contains(t, fe.Message, "нет ИНН")
		require.Zero(t, b.count(t, "subscriptions"))

		b.payments.SetProviders()
		b.company(t, 42, true)
		_, err = b.svc.Create(ctx, invoiceMonthly("2027-01-15", 42))
		require.ErrorIs(t, err, ErrRouteUnavailable)
		require.Zero(t, b.count(t, "subscriptions"))
	})
}
