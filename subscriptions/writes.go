package subscriptions

import (
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"b24pay/outbox"
	"b24pay/store"
)

// writes is what one transaction stores: subscriptions and charges as they were last saved, new
// charges, subscriptions whose refused charges become void, and the messages the changes announce.
// flush stores it with one statement per kind, however many rows, so a billing pass writes a whole
// claimed batch at once and a single change goes the same way.
type writes struct {
	lane     outbox.Lane // of the announced messages
	subs     []Subscription
	subAt    map[int64]int
	charges  []Charge
	chargeAt map[string]int
	inserts  []Charge // after flush: the stored rows (an existing charge of the period wins)
	voidOf   []int64
	msgs     []outbox.Message
}

// Columns the service changes after a row is created: what a flush writes.
var (
	subscriptionState = []string{"status", "seq", "next_charge_on", "paid_count", "paid_minor", "payment_method_id",
		"card_title", "pause_from", "pause_until", "cancel_at_period_end", "dunning_step", "lease_until", "updated_at",
		"ended_at", "route", "amount_minor", "consented_minor", "next_amount_minor", "next_amount_from_seq", "next_amount_consented"}
	chargeState = []string{"status", "attempt", "customer_initiated", "route", "return_url", "provider_ref", "pay_url", "decline_reason",
		"next_attempt_on", "attempted_at", "updated_at", "settled_at", "paid_minor"}
)

// save records sub as it is now (a later save of the same subscription replaces it).
func (w *writes) save(sub *Subscription, now time.Time) {
	sub.UpdatedAt = now
	w.lease(sub)
}

// lease records sub as it is, for its lease (a later save of the subscription replaces it).
func (w *writes) lease(sub *Subscription) { put(&w.subs, &w.subAt, sub.ID, *sub) }

// saveCharge records c as it is now.
func (w *writes) saveCharge(c *Charge, now time.Time) {
	c.UpdatedAt = now
	put(&w.charges, &w.chargeAt, c.ID, *c)
}

// put stores row under key, replacing an earlier row of the same key.
func put[K comparable, T any](rows *[]T, at *map[K]int, key K, row T) {
	if *at == nil {
		*at = map[K]int{}
	}
	if i, ok := (*at)[key]; ok {
		(*rows)[i] = row
		return
	}
	(*at)[key] = len(*rows)
	*rows = append(*rows, row)
}

// voidRefused makes the subscription's failed and declined charges void (failed → void and
// declined → void are legal moves of the charge state machine).
func (w *writes) voidRefused(subID int64) { w.voidOf = append(w.voidOf, subID) }

func (w *writes) enqueue(msgs ...outbox.Message) { w.msgs = append(w.msgs, msgs...) }

// merge adds what o records, o's rows replacing earlier ones of the same id.
func (w *writes) merge(o *writes) {
	for _, sub := range o.subs {
		put(&w.subs, &w.subAt, sub.ID, sub)
	}
	for _, c := range o.charges {
		put(&w.charges, &w.chargeAt, c.ID, c)
	}
	w.inserts = append(w.inserts, o.inserts...)
	w.voidOf = append(w.voidOf, o.voidOf...)
	w.msgs = append(w.msgs, o.msgs...)
}

// flush stores everything recorded, in tx.
func (w *writes) flush(tx *gorm.DB, now time.Time) error {
	if err := store.UpdateRows(tx, w.subs, subscriptionState...); err != nil {
		return err
	}
	stored, err := insertCharges(tx, w.inserts)
	if err != nil {
		return err
	}
	w.inserts = stored
	if err := store.UpdateRows(tx, w.charges, chargeState...); err != nil {
		return err
	}
	if len(w.voidOf) > 0 {
		err := tx.Model(&Charge{}).Where("subscription_id IN ? AND status IN ?", w.voidOf, []string{ChargeFailed, ChargeDeclined}).
			Updates(map[string]any{"status": ChargeVoid, "next_attempt_on": "", "updated_at": now}).Error
		if err != nil {
			return err
		}
	}
	for i := range w.msgs {
		w.msgs[i].Lane = w.lane
	}
	return outbox.EnqueueAll(tx, now, w.msgs...)
}

// insertCharges inserts the charges that do not exist yet (the unique index of the period
// decides) and returns the stored rows in the same order.
func insertCharges(tx *gorm.DB, cs []Charge) ([]Charge, error) {
	if len(cs) == 0 {
		return cs, nil
	}
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&cs, store.RowsPerStatement(tx, chargeColumns))
	if res.Error != nil || int(res.RowsAffected) == len(cs) {
		return cs, res.Error
	}
	subIDs := make([]int64, len(cs))
	for i, c := range cs {
		subIDs[i] = c.SubscriptionID
	}
	var rows []Charge
	if err := tx.Where("subscription_id IN ?", subIDs).Find(&rows).Error; err != nil {
		return nil, err
	}
	type period struct {
		sub   int64
		start string
	}
	byPeriod := make(map[period]Charge, len(rows))
	for _, r := range rows {
		byPeriod[period{r.SubscriptionID, r.PeriodStart}] = r
	}
	for i, c := range cs {
		cs[i] = byPeriod[period{c.SubscriptionID, c.PeriodStart}]
	}
	return cs, nil
}

// chargeColumns is how many values an INSERT of a Charge carries.
const chargeColumns = 21
