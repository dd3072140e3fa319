package subscriptions

import (
	"context"
	"strconv"
	"time"

	"b24pay/mail"
	"b24pay/outbox"
)

// remindUpcoming e-mails the clients whose card is charged RemindDays from today. The letter's
// key names the period, so repeated passes send it once.
func (s *Service) remindUpcoming(ctx context.Context, now time.Time) error {
	if s.cfg.RemindDays <= 0 {
		return nil
	}
	day := s.today(now).AddDays(s.cfg.RemindDays).String()
	var subs []Subscription
	err := s.db.WithContext(ctx).Where("status = ? AND route = ? AND next_charge_on = ? AND NOT cancel_at_period_end",
		StatusActive, RouteCard, day).Find(&subs).Error
	if err != nil {
		return err
	}
	var msgs []outbox.Message
	for _, sub := range subs {
		if sub.finishedAfter(sub.Seq) || sub.Email == "" {
			continue
		}
		l := s.letter(sub, Charge{}, mail.UpcomingCharge, "upcoming:"+strconv.FormatInt(sub.ID, 10)+":"+strconv.Itoa(sub.Seq))
		l.Data.Amount = Human(sub.amountFor(sub.Seq), sub.Currency)
		m := mail.Message(sub.MemberID, *l)
		m.Lane = outbox.LaneBulk
		msgs = append(msgs, m)
	}
	return outbox.EnqueueAll(s.db.WithContext(ctx), now, msgs...)
}
