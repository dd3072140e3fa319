package finance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"b24pay/bitrix"
	"b24pay/clock"
	"b24pay/outbox"
	"b24pay/portal"
	"b24pay/store"
)

// TopicCompanyPaymentEvent carries an ONCRMDYNAMICITEMUPDATE of «Платежи компании» to its processing.
const TopicCompanyPaymentEvent = "finance.company_payment.event"

// Service is the finance domain.
type Service struct {
	db      *store.DB
	clock   clock.Clock
	loc     *time.Location
	portals *portal.Repo
	clients *portal.Clients
	log     *slog.Logger

	remindDays int  // company payments: days before the payment date to remind (0: never)
	fees       Fees // provider fees per route, for the net amounts
	deps       departmentCache
}

// SetFees sets the provider fees the finance figures deduct for their net amounts.
func (s *Service) SetFees(f Fees) { s.fees = f }

// NewService wires the domain; loc is the portal's time zone ("this month", "today").
func NewService(db *store.DB, clk clock.Clock, loc *time.Location, portals *portal.Repo, clients *portal.Clients, log *slog.Logger) *Service {
	return &Service{db: db, clock: clk, loc: loc, portals: portals, clients: clients, log: log}
}

// RemindDaysBefore sets how many days before a company payment its responsible user is reminded
// (0: never).
func (s *Service) RemindDaysBefore(days int) { s.remindDays = days }

// Register installs the outbox handlers of this package.
func (s *Service) Register(w *outbox.Worker) {
	w.Handle(TopicCompanyPaymentEvent, s.handleEvent)
	w.Handle(TopicCompanyPaymentRemind, s.handleRemind)
}

// ItemEvent is an event on a company payment item.
type ItemEvent struct {
	ItemID int64 `json:"item_id"`
	UserID int64 `json:"user_id,omitempty"`
}

// AcceptEvent stores an event for processing (before Bitrix24 gets its answer).
func (s *Service) AcceptEvent(ctx context.Context, memberID string, ev ItemEvent) error {
	return outbox.Enqueue(s.db.WithContext(ctx), s.clock.Now(),
		outbox.Message{Topic: TopicCompanyPaymentEvent, MemberID: memberID, Payload: ev})
}

func (s *Service) handleEvent(ctx context.Context, job outbox.Job) error {
	var ev ItemEvent
	if err := job.Decode(&ev); err != nil {
		return outbox.Permanent(err)
	}
	_, err := s.ApplyItem(ctx, job.MemberID, ev.ItemID, ev.UserID)
	return err
}

func (s *Service) portalFor(ctx context.Context, memberID string) (*bitrix.Client, portal.CompanyPayments, error) {
	p, err := s.portals.Get(ctx, memberID)
	if err != nil {
		return nil, portal.CompanyPayments{}, outbox.Permanent(err)
	}
	if !p.Installed() {
		return nil, portal.CompanyPayments{}, outbox.Permanent(portal.ErrNotInstalled)
	}
	cl, err := s.clients.For(ctx, memberID)
	return cl, p.Provisioned().CompanyPayments, err
}

// ApplyItem reads the item back (events carry no field values) and books its payment when it is in
// «Оплачен». It reports whether a payment was booked now.
func (s *Service) ApplyItem(ctx context.Context, memberID string, itemID int64, userID int64) (bool, error) {
	cl, cp, err := s.portalFor(ctx, memberID)
	if err != nil || !cp.Provisioned() {
		return false, err
	}
	it, err := cl.ItemGet(ctx, cp.EntityTypeID, bitrix.ID(itemID))
	if errors.Is(err, bitrix.ErrNotFound) {
		// Deleted in Bitrix24: it leaves the calendar; its bookings stay ours.
		return false, s.db.WithContext(ctx).Where("member_id = ? AND item_id = ?", memberID, itemID).Delete(&ContractItem{}).Error
	}
	if err != nil {
		return false, err
	}
	return s.applyItem(ctx, cl, cp, memberID, it, userID)
}

func (s *Service) applyItem(ctx context.Context, cl *bitrix.Client, cp portal.CompanyPayments, memberID string, it *bitrix.Item, userID int64) (bool, error) {
	c, err := readContract(it, cp)
	if err != nil {
		return false, outbox.Permanent(err)
	}
	stage := cp.StageCode(c.StageID)
	if stage != portal.CompanyPaymentPaid || c.PayDate.IsZero() {
		return false, s.remember(ctx, contractItem(memberID, c, stage))
	}
	return s.settle(ctx, cl, cp, memberID, c, userID)
}

// settle books c's current payment once and writes the state after it back: to the item, to our
// row of the item and to the counterparty's company card.
func (s *Service) settle(ctx context.Context, cl *bitrix.Client, cp portal.CompanyPayments, memberID string, c Contract, userID int64) (bool, error) {
	b, booked, err := s.bookOnce(ctx, memberID, c, userID)
	if err != nil {
		return false, err
	}
	latest, err := s.push(ctx, cl, cp, b)
	if err != nil || !latest {
		return booked, err
	}
	if err := s.remember(ctx, contractItem(memberID, c, portal.CompanyPaymentPaid).afterBooking(b)); err != nil {
		return booked, err
	}
	return booked, s.pushCompanyTotals(ctx, cl, memberID, b.CompanyID, b.Currency)
}

// bookOnce stores the booking of c's payment; the unique (item, pay date) and (item, count)
// indexes make a repeated or concurrent delivery find the booking already there.
func (s *Service) bookOnce(ctx context.Context, memberID string, c Contract, userID int64) (Booking, bool, error) {
	db := s.db.WithContext(ctx)
	var existing Booking
	err := db.Where("member_id = ? AND item_id = ? AND pay_date = ?", memberID, c.ItemID, c.PayDate.String()).Take(&existing).Error
	if err == nil {
		return existing, false, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return Booking{}, false, err
	}
	var prev *Booking
	var last Booking
	err = db.Where("member_id = ? AND item_id = ?", memberID, c.ItemID).Order("seq DESC").Take(&last).Error
	switch {
	case err == nil:
		prev = &last
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return Booking{}, false, err
	}
	if prev != nil && prev.Closed {
		return *prev, false, nil // a closed contract books nothing more; its last state is pushed again
	}
	b := book(c, prev)
	b.MemberID, b.BookedBy, b.BookedAt = memberID, userID, s.clock.Now().UTC()
	err = db.Create(&b).Error
	if store.IsUniqueViolation(err) {
		// A concurrent delivery booked this payment first: use its row.
		err = db.Where("member_id = ? AND item_id = ? AND pay_date = ?", memberID, c.ItemID, c.PayDate.String()).Take(&existing).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Booking{}, false, fmt.Errorf("item %d: concurrent booking of another date; retry", c.ItemID)
		}
		return existing, false, err
	}
	return b, err == nil, err
}

// push writes the booking's state back to the item (absolute values: safe to repeat). Only the item's
// latest booking is pushed, so a late duplicate never rolls the item back; it reports whether b was
// the latest.
func (s *Service) push(ctx context.Context, cl *bitrix.Client, cp portal.CompanyPayments, b Booking) (bool, error) {
	var latest int
	if err := s.db.WithContext(ctx).Model(&Booking{}).Where("member_id = ? AND item_id = ?", b.MemberID, b.ItemID).
		Select("COALESCE(MAX(seq), 0)").Scan(&latest).Error; err != nil {
		return false, err
	}
	if b.Seq < latest {
		return false, nil
	}
	_, err := cl.ItemUpdate(ctx, cp.EntityTypeID, bitrix.ID(b.ItemID), itemUpdate(cp, b))
	if errors.Is(err, bitrix.ErrNotFound) {
		return true, nil // deleted in Bitrix24: the booking stays ours
	}
	return err == nil, err
}

// itemUpdate is the crm.item.update fields of a booking (docs: api-reference/crm/universal/crm-item-update.md).
func itemUpdate(cp portal.CompanyPayments, b Booking) map[string]any {
	cur := currencyOf(b.Currency)
	f := map[string]any{
		cp.FieldName(portal.CPRemaining): cur.Plain(major(b.RemainingMinor, cur)),
		cp.FieldName(portal.CPPaidTotal): cur.Plain(major(b.PaidTotalMinor, cur)),
		cp.FieldName(portal.CPPayCount):  b.Seq,
		cp.FieldName(portal.CPLastPaid):  b.PayDate,
	}
	if b.ExcessMinor > 0 {
		f[cp.FieldName(portal.CPExcess)] = cur.Plain(major(b.ExcessMinor, cur))
	}
	f["stageId"] = cp.Stages[portal.CompanyPaymentPaid] // closed: stays in «Оплачен» (also when the app marked it)
	if !b.Closed {
		f[cp.FieldName(portal.CPPayDate)] = b.NextDate
		f["stageId"] = cp.Stages[portal.CompanyPaymentPlanned]
	}
	return f
}

// Resync repairs what lost events left behind: every item is read again (the payment calendar lists
// them all) and every item standing in «Оплачен» is booked.
func (s *Service) Resync(ctx context.Context, memberID string) (int, error) {
	cl, cp, err := s.portalFor(ctx, memberID)
	if err != nil || !cp.Provisioned() {
		return 0, err
	}
	n := 0
	err = cl.ItemList(ctx, cp.EntityTypeID, nil, itemFields(cp), func(it *bitrix.Item) error {
		booked, err := s.applyItem(ctx, cl, cp, memberID, it, 0)
		if booked {
			n++
		}
		return err
	})
	return n, err
}
