package subscriptions

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"b24pay/billing/yookassa"
	"b24pay/mail"
	"b24pay/outbox"
	"b24pay/store"
	"b24pay/store/storetest"
)

func switchInput(sub Subscription, route string) SwitchRouteInput {
	return SwitchRouteInput{MemberID: member, ID: sub.ID, Route: route, Agreed: true, IP: "198.51.100.4", UserAgent: "Safari"}
}

// payQR acts as the client paying a switch to SBP in their bank's app (which binds the account),
// then as the cabinet's «проверить оплату».
func (sb *sbpBundle) payQR(t *testing.T, c Charge) Charge {
	t.Helper()
	_, err := sb.bank.Pay(c.key(), major(c.AmountMinor, c.Currency))
	require.NoError(t, err)
	c, err = sb.svc.Refresh(context.Background(), c.ID)
	require.NoError(t, err)
	return c
}

func (tb *testBundle) charge(t *testing.T, sub Subscription, seq int) Charge {
	t.Helper()
	var c Charge
	require.NoError(t, tb.db.Where("id = ?", chargeID(sub.ID, seq)).Take(&c).Error)
	return c
}

// routeMessages counts the Bitrix24 messages that announce a switch of route.
func (tb *testBundle) routeMessages(t *testing.T) int {
	t.Helper()
	var n int64
	require.NoError(t, tb.db.Model(&outbox.Row{}).Where("topic = ? AND dedup_key LIKE ?", TopicB24Sync, "b24:route:%").Count(&n).Error)
	return int(n)
}

// The client moves a card subscription to SBP by paying the next period early by an SBP QR:
// the subscription then runs on the SBP binding and the card is never debited again.
func TestSwitchCardToSBPPaysTheNextPeriodEarly(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sb := setupSBP(t, db, "2027-01-15", true)
		sub := sb.subscribe(t, monthly("2027-01-15"))
		card := sub.PaymentMethodID
		sb.at(t, "2027-02-03")
		offer, ok := sb.svc.SwitchOffer(sub)
		require.True(t, ok)
		require.Equal(t, RouteSwitch{Routes: []string{RouteSBP}, Seq: 1, PeriodStart: "2027-02-15", AmountMinor: 99000}, offer)

		link, err := sb.svc.SwitchRoute(context.Background(), switchInput(sub, RouteSBP))
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(link, "https://qr.nspk.ru/"), link)
		c := sb.charge(t, sub, 1)
		require.Equal(t, RouteSBP, c.Route)
		require.True(t, c.CustomerInitiated)
		require.Equal(t, RouteCard, sb.sub(t, sub.ID).Route, "nothing changes before the payment")

		c = sb.payQR(t, c)
		require.Equal(t, ChargeSucceeded, c.Status)
		sub = sb.sub(t, sub.ID)
		require.Equal(t, RouteSBP, sub.Route)
		require.Equal(t, c.key(), sub.PaymentMethodID, "the binding replaces the card")
		require.Equal(t, "2027-03-15", sub.NextChargeOn)
		require.Equal(t, 2, sub.PaidCount)
		require.Equal(t, 1, sb.routeMessages(t))

		var consents []Consent
		require.NoError(t, db.Where("subscription_id = ?", sub.ID).Order("id").Find(&consents).Error)
		require.Len(t, consents, 2)
		var terms Terms
		require.NoError(t, json.Unmarshal([]byte(consents[1].Terms), &terms))
		require.Equal(t, RouteSBP, terms.Route)
		require.Equal(t, "198.51.100.4", consents[1].IP)
		require.Equal(t, "Safari", consents[1].UserAgent)

		for _, day := range []string{"2027-02-15", "2027-03-15"} {
			sb.at(t, day)
			sb.run(t)
		}
		require.Zero(t, sb.shop.Charges(card), "the card is never debited again")
		require.Equal(t, 1, sb.bank.Charges(sub.PaymentMethodID), "15 March by the binding")
		require.Equal(t, 3, sb.sub(t, sub.ID).PaidCount)
	})
}

// And back: an SBP subscription moves to a card paid on YooKassa's page.
func TestSwitchSBPToCard(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sb := setupSBP(t, db, "2027-01-15", true)
		sub := sb.subscribeSBP(t, sbpMonthly("2027-01-15"))
		binding := sub.PaymentMethodID
		link, err := sb.svc.SwitchRoute(context.Background(), switchInput(sub, RouteCard))
		require.NoError(t, err)
		require.Contains(t, link, "yoomoney.ru")
		sb.payPending(t, chargeID(sub.ID, 1))
		sub = sb.sub(t, sub.ID)
		require.Equal(t, RouteCard, sub.Route)
		require.NotEqual(t, binding, sub.PaymentMethodID)
		require.Equal(t, "•••• 4444", sub.CardTitle)

		sb.at(t, "2027-03-15")
		sb.run(t)
		require.Equal(t, 1, sb.shop.Charges(sub.PaymentMethodID))
		require.Zero(t, sb.bank.Charges(binding))
		require.Equal(t, 3, sb.sub(t, sub.ID).PaidCount)
	})
}

// A refused switch changes nothing: the old route and card stay, no dunning, no letter, and the
// period is charged on the card on its day.
func TestDeclinedSwitchLeavesEverythingAsItWas(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sb := setupSBP(t, db, "2027-01-15", true)
		before := sb.subscribe(t, monthly("2027-01-15"))
		sb.at(t, "2027-02-10")
		_, err := sb.svc.SwitchRoute(context.Background(), switchInput(before, RouteSBP))
		require.NoError(t, err)
		c := sb.charge(t, before, 1)
		_, err = sb.bank.Decline(c.key())
		require.NoError(t, err)
		c, err = sb.svc.Refresh(context.Background(), c.ID)
		require.NoError(t, err)
		require.Equal(t, ChargeFailed, c.Status)

		after := sb.sub(t, before.ID)
		after.UpdatedAt, before.UpdatedAt = time.Time{}, time.Time{}
		require.Equal(t, before, after)
		require.Equal(t, []mail.Kind{mail.Receipt}, sb.kinds(t), "no letter about the refused switch")
		require.Zero(t, sb.routeMessages(t))

		sb.at(t, "2027-02-15")
		sb.run(t)
		c = sb.charge(t, before, 1)
		require.Equal(t, ChargeSucceeded, c.Status)
		require.Equal(t, RouteCard, c.Route)
		require.Equal(t, 1, sb.shop.Charges(before.PaymentMethodID))
		require.Equal(t, StatusActive, sb.sub(t, before.ID).Status)
	})
}

// A past-due subscription pays what it owes on the new route; refused, its dunning goes on as
// before (the retry day and step kept), and paid, it is active on the new route.
func TestSwitchOfAPastDueSubscriptionKeepsItsDunningUntilPaid(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sb := setupSBP(t, db, "2027-01-15", true)
		sub := sb.subscribe(t, monthly("2027-01-15"))
		card := sub.PaymentMethodID
		sb.shop.SetMethodDecline(card, yookassa.ReasonInsufficientFunds)
		sb.at(t, "2027-02-15")
		sb.run(t)
		owed := sb.sub(t, sub.ID)
		require.Equal(t, StatusPastDue, owed.Status)
		require.Equal(t, "2027-02-16", owed.NextChargeOn)

		_, err := sb.svc.SwitchRoute(context.Background(), switchInput(owed, RouteSBP))
		require.NoError(t, err)
		c := sb.charge(t, sub, 1)
		_, err = sb.bank.Decline(c.key())
		require.NoError(t, err)
		_, err = sb.svc.Refresh(context.Background(), c.ID)
		require.NoError(t, err)
		now := sb.sub(t, sub.ID)
		require.Equal(t, owed.DunningStep, now.DunningStep)
		require.Equal(t, owed.NextChargeOn, now.NextChargeOn)
		require.Equal(t, RouteCard, now.Route)

		sb.at(t, "2027-02-16") // the dunning retry: on the card, as planned
		sb.run(t)
		require.Equal(t, 2, sb.shop.Charges(card))
		c = sb.charge(t, sub, 1)
		require.Equal(t, "2027-02-18", c.NextAttemptOn, "the second dunning step, not the third")
		require.Equal(t, []mail.Kind{mail.Receipt, mail.PaymentFailed, mail.DunningReminder}, sb.kinds(t))

		sb.at(t, "2027-02-17")
		_, err = sb.svc.SwitchRoute(context.Background(), switchInput(sb.sub(t, sub.ID), RouteSBP))
		require.NoError(t, err)
		_, err = sb.svc.ReplaceCard(context.Background(), sub.PayToken, "")
		require.ErrorIs(t, err, ErrConflict, "a new card while the switch waits: refused, the switch stands")
		c = sb.payQR(t, sb.charge(t, sub, 1))
		require.Equal(t, ChargeSucceeded, c.Status)
		sub = sb.sub(t, sub.ID)
		require.Equal(t, StatusActive, sub.Status)
		require.Equal(t, RouteSBP, sub.Route)
		require.Zero(t, sub.DunningStep)
		sb.at(t, "2027-02-18") // the old retry day: nothing
		sb.run(t)
		require.Equal(t, 2, sb.shop.Charges(card))
	})
}

// The answer to the switch payment's creation is lost: the charge is unknown, and a lookup under
// the same key finds the payment instead of making a second one.
func TestSwitchLostAnswerIsResolvedByLookup(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sb := setupSBP(t, db, "2027-01-15", true)
		sub := sb.subscribeSBP(t, sbpMonthly("2027-01-15"))
		payments := sb.shop.Payments()
		sb.shop.FailNext(1, 500, true)
		_, err := sb.svc.SwitchRoute(context.Background(), switchInput(sub, RouteCard))
		require.ErrorIs(t, err, ErrGatewayUnavailable)
		require.Equal(t, ChargeUnknown, sb.charge(t, sub, 1).Status)
		require.Equal(t, payments+1, sb.shop.Payments(), "YooKassa made the payment")

		c, err := sb.svc.Refresh(context.Background(), chargeID(sub.ID, 1))
		require.NoError(t, err)
		require.Equal(t, ChargePending, c.Status)
		require.NotEmpty(t, c.ProviderRef)
		link, err := sb.svc.SwitchRoute(context.Background(), switchInput(sub, RouteCard))
		require.NoError(t, err)
		require.Contains(t, link, "yoomoney.ru")
		require.Equal(t, payments+1, sb.shop.Payments())
		sb.payPending(t, c.ID)
		require.Equal(t, RouteCard, sb.sub(t, sub.ID).Route)
	})
}

// The form is sent twice at once: one payment, one consent, the same page for both.
func TestDoubleSubmitOfTheSwitchMakesOnePayment(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sb := setupSBP(t, db, "2027-01-15", true)
		sub := sb.subscribeSBP(t, sbpMonthly("2027-01-15"))
		payments := sb.shop.Payments()
		links := make([]string, 3)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range links {
			wg.Go(func() {
				<-start
				var err error
				links[i], err = sb.svc.SwitchRoute(context.Background(), switchInput(sub, RouteCard))
				require.NoError(t, err)
			})
		}
		close(start)
		wg.Wait()
		require.Equal(t, payments+1, sb.shop.Payments())
		require.Equal(t, links[0], links[1])
		require.Equal(t, links[0], links[2])
		require.EqualValues(t, 2, sb.count(t, "subscription_consents"), "the first one and the switch")
	})
}

// The owed period is due today on the SBP binding while the client switches to a card; billing
// passes run at the same moment as the switch and again while it waits. The binding is never
// debited once the switch payment exists: every debit of the period precedes the switch's attempt.
func TestBillingPassesDuringAPendingSwitchNeverDebitTheOldMethod(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sb := setupSBP(t, db, "2027-01-15", true)
		sub := sb.subscribeSBP(t, sbpMonthly("2027-01-15"))
		binding := sub.PaymentMethodID
		sb.bank.SetChargeOutcome("DECLINED")
		sb.at(t, "2027-02-15")
		sb.run(t)
		sb.at(t, "2027-02-16") // the retry day: the pass is due to debit the binding again

		var wg sync.WaitGroup
		start := make(chan struct{})
		var switched atomic.Bool
		for range 2 {
			wg.Go(func() {
				<-start
				_, err := sb.svc.RunDue(context.Background(), sb.clock.Now())
				require.NoError(t, err)
			})
		}
		wg.Go(func() {
			<-start
			_, err := sb.svc.SwitchRoute(context.Background(), switchInput(sub, RouteCard))
			if !errors.Is(err, ErrConflict) { // a pass was debiting the binding at that moment
				require.NoError(t, err)
				switched.Store(true)
			}
		})
		close(start)
		wg.Wait()
		if !switched.Load() {
			_, err := sb.svc.SwitchRoute(context.Background(), switchInput(sub, RouteCard))
			require.NoError(t, err)
		}
		c := sb.charge(t, sub, 1)
		require.Equal(t, RouteCard, c.Route)
		require.Equal(t, ChargePending, c.Status)
		require.Equal(t, c.Attempt-1, sb.bank.Charges(binding), "every debit came before the switch's attempt")

		for range 2 { // later passes while the client has not paid yet: lookups only
			sb.clock.Advance(sb.svc.cfg.Lease + time.Second)
			var wg sync.WaitGroup
			for range 2 {
				wg.Go(func() {
					_, err := sb.svc.RunDue(context.Background(), sb.clock.Now())
					require.NoError(t, err)
				})
			}
			wg.Wait()
		}
		require.Equal(t, c.Attempt-1, sb.bank.Charges(binding))
		sb.payPending(t, c.ID)
		require.Equal(t, RouteCard, sb.sub(t, sub.ID).Route)
	})
}

// The bank took the money but we crashed before recording it: nothing is half-done (the charge
// stays pending and the route is the old one, as one transaction records both), and the
// re-delivered notifications, twice at once, switch the route once.
func TestCrashBetweenTheSwitchPaymentAndTheSwitchIsFinishedOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sb := setupSBP(t, db, "2027-01-15", true)
		sub := sb.subscribe(t, monthly("2027-01-15"))
		_, err := sb.svc.SwitchRoute(context.Background(), switchInput(sub, RouteSBP))
		require.NoError(t, err)
		c := sb.charge(t, sub, 1)
		_, err = sb.bank.Pay(c.key(), major(c.AmountMinor, c.Currency))
		require.NoError(t, err)

		var crash atomic.Bool
		crash.Store(true)
		errCrash := errors.New("the process died here")
		require.NoError(t, db.Callback().Create().Before("gorm:create").Register("test:crash", func(tx *gorm.DB) {
			if tx.Statement.Table == "outbox" && crash.CompareAndSwap(true, false) {
				_ = tx.AddError(errCrash) // the last write of the settling transaction
			}
		}))
		_, err = sb.svc.Refresh(context.Background(), c.ID)
		require.ErrorIs(t, err, errCrash)
		require.Equal(t, ChargePending, sb.charge(t, sub, 1).Status)
		now := sb.sub(t, sub.ID)
		require.Equal(t, RouteCard, now.Route)
		require.Equal(t, sub.PaymentMethodID, now.PaymentMethodID)
		require.Equal(t, 1, now.PaidCount)

		var wg sync.WaitGroup
		for range 2 { // the notification, delivered again, twice at once
			wg.Go(func() {
				_, err := sb.svc.Refresh(context.Background(), c.ID)
				require.NoError(t, err)
			})
		}
		wg.Wait()
		now = sb.sub(t, sub.ID)
		require.Equal(t, RouteSBP, now.Route)
		require.Equal(t, 2, now.PaidCount)
		require.Equal(t, 1, sb.routeMessages(t))
		require.Len(t, sb.letters(t), 2, "one receipt per period")
	})
}

// What cannot switch: a route without a gateway, the route it is on, no consent, nothing left
// to charge, and another portal's subscription.
func TestSwitchRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tb := setup(t, db, "2027-01-15")
		sub := tb.subscribe(t, monthly("2027-01-15"))
		_, ok := tb.svc.SwitchOffer(sub)
		require.False(t, ok, "only the card route is configured")
		ctx := context.Background()
		_, err := tb.svc.SwitchRoute(ctx, switchInput(sub, RouteSBP))
		require.ErrorIs(t, err, ErrRouteUnavailable)
		_, err = tb.svc.SwitchRoute(ctx, switchInput(sub, RouteCard))
		require.ErrorIs(t, err, ErrConflict)
		in := switchInput(sub, RouteSBP)
		in.Agreed = false
		_, err = tb.svc.SwitchRoute(ctx, in)
		require.ErrorIs(t, err, ErrConsentMissing)
		in = switchInput(sub, RouteCard)
		in.MemberID = "portal-2"
		_, err = tb.svc.SwitchRoute(ctx, in)
		require.ErrorIs(t, err, ErrNotFound)

		sb := setupSBP(t, storetest.New(t, db.Dialect), "2027-01-15", true)
		sub = sb.subscribe(t, monthly("2027-01-15"))
		_, err = sb.svc.Cancel(ctx, member, sub.ID, true)
		require.NoError(t, err)
		_, ok = sb.svc.SwitchOffer(sb.sub(t, sub.ID))
		require.False(t, ok, "cancelled at the period's end: nothing more is charged")
		_, err = sb.svc.SwitchRoute(ctx, switchInput(sub, RouteSBP))
		require.ErrorIs(t, err, ErrConflict)
		require.Len(t, sb.charges(t, sub.ID), 1)
	})
}
