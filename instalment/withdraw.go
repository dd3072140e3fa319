package instalment

import (
	"context"
	"errors"
)

// ErrPayLinkLive: an open order or QR of an instalment could not be withdrawn at its provider, so
// the schedule is not deleted yet.
var ErrPayLinkLive = errors.New("instalment: an open pay link could not be withdrawn; try again")

// Orders withdraws the open orders (invoices, QR codes) of instalments at their providers.
type Orders interface {
	// WithdrawOpen makes every open payment of the instalments unpayable at its provider and closes
	// it; money already paid is booked. An order it cannot withdraw is an error.
	WithdrawOpen(ctx context.Context, memberID, kind string, ids []int64) error
}

// SetOrders connects the payments side (billing), which this package cannot import.
func (s *Service) SetOrders(o Orders) { s.orders = o }

// withdraw withdraws the open orders of some instalments before they are cancelled.
func (s *Service) withdraw(ctx context.Context, memberID string, ids []int64) error {
	if s.orders == nil || len(ids) == 0 {
		return nil
	}
	if err := s.orders.WithdrawOpen(ctx, memberID, PayableKind, ids); err != nil {
		return errors.Join(ErrPayLinkLive, err)
	}
	return nil
}

// scheduleInstalmentIDs lists the ids of the owner's active schedule's instalments.
func (s *Service) scheduleInstalmentIDs(ctx context.Context, o Owner) ([]int64, error) {
	sch, err := active(s.db.WithContext(ctx), o)
	if err != nil {
		return nil, err
	}
	var ids []int64
	return ids, s.db.WithContext(ctx).Model(&Instalment{}).Where("schedule_id = ?", sch.ID).Pluck("id", &ids).Error
}

// PayableNumbers maps every instalment the owner ever had, deleted schedules included, to its
// number: their payments stay listed and refundable after a delete.
func (s *Service) PayableNumbers(ctx context.Context, o Owner) (map[int64]int, error) {
	var rows []Instalment
	err := s.db.WithContext(ctx).Where("schedule_id IN (?)", s.db.Model(&Schedule{}).Select("id").
		Where("member_id = ? AND owner_type = ? AND owner_id = ?", o.MemberID, o.Type, o.ID)).Find(&rows).Error
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Seq
	}
	return out, err
}
