package instalment

import (
	"context"
	"errors"

	"b24pay/schedules"
)

// InFlight tells which of the instalments have a payment under way (pending or of unknown
// outcome). Billing answers it; this package does not read billing's tables.
type InFlight func(ctx context.Context, ids []int64) (map[int64]bool, error)

// SetInFlight wires the check Edit uses to freeze instalments that are being paid.
func (s *Service) SetInFlight(f InFlight) { s.inFlight = f }

// paying returns the instalments of o's active schedule with a payment under way.
func (s *Service) paying(ctx context.Context, o Owner) (map[int64]bool, error) {
	if s.inFlight == nil {
		return nil, nil
	}
	sch, err := active(s.db.WithContext(ctx), o)
	if errors.Is(err, ErrNoSchedule) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ids []int64
	if err := s.db.WithContext(ctx).Model(&Instalment{}).Where("schedule_id = ?", sch.ID).Pluck("id", &ids).Error; err != nil {
		return nil, err
	}
	return s.inFlight(ctx, ids)
}

// frozen tells whether an edit must leave the instalment as it is: an invoice is issued for it,
// a payment is under way, or it is the down payment.
func frozen(r Instalment, paying map[int64]bool) bool {
	return r.InvoiceID != nil || r.Status == StatusInvoiced || r.Kind == string(schedules.KindDownPayment) || paying[r.ID]
}
