package finance

import (
	"context"
	"errors"

	"b24pay/bitrix"
	"b24pay/portal"
	"b24pay/schedules"
)

// Errors of MarkPaid, each a reason a person can act on.
var (
	ErrContractNotFound  = errors.New("company payment item not found")
	ErrContractCancelled = errors.New("company payment item is cancelled")
	ErrPayDateMoved      = errors.New("the item's payment date is no longer the one shown")
	ErrNotResponsible    = errors.New("the contract is another user's")
)

// MarkPaidInput names the payment a person marks paid: the item, the payment date they saw, who they
// are, and whether their role covers only the contracts they are responsible for.
type MarkPaidInput struct {
	ItemID  int64
	PayDate schedules.Date
	UserID  int64
	OwnOnly bool
}

// MarkPaid books the payment of an item due on payDate, as if a person had moved it to «Оплачен» in
// Bitrix24: the booking is made once per (item, payment date), the item then moves to its next date
// (or closes in «Оплачен») and the counterparty's totals follow. payDate is the date the person saw:
// a second click, or a click on a stale page after the item moved on, books nothing more. It reports
// whether a payment was booked now.
func (s *Service) MarkPaid(ctx context.Context, memberID string, in MarkPaidInput) (bool, error) {
	itemID, payDate := in.ItemID, in.PayDate
	cl, cp, err := s.portalFor(ctx, memberID)
	if err != nil {
		return false, err
	}
	if !cp.Provisioned() {
		return false, ErrContractNotFound
	}
	it, err := cl.ItemGet(ctx, cp.EntityTypeID, bitrix.ID(itemID))
	if errors.Is(err, bitrix.ErrNotFound) {
		return false, ErrContractNotFound
	}
	if err != nil {
		return false, err
	}
	c, err := readContract(it, cp)
	if err != nil {
		return false, err
	}
	if in.OwnOnly && c.AssignedBy != in.UserID {
		return false, ErrNotResponsible
	}
	if c.PayDate != payDate {
		return false, s.alreadyBooked(ctx, memberID, itemID, payDate)
	}
	switch cp.StageCode(c.StageID) {
	case portal.CompanyPaymentCancelled:
		return false, ErrContractCancelled
	case portal.CompanyPaymentPaid:
		if err := s.alreadyBooked(ctx, memberID, itemID, payDate); !errors.Is(err, ErrPayDateMoved) {
			return false, err // booked already: the item stands closed in «Оплачен»
		}
	}
	return s.settle(ctx, cl, cp, memberID, c, in.UserID)
}

// alreadyBooked is nil when the payment of payDate is booked (the click came twice), otherwise the
// item moved on without it.
func (s *Service) alreadyBooked(ctx context.Context, memberID string, itemID int64, payDate schedules.Date) error {
	var n int64
	err := s.db.WithContext(ctx).Model(&Booking{}).Where("member_id = ? AND item_id = ? AND pay_date = ?",
		memberID, itemID, payDate.String()).Count(&n).Error
	if err != nil || n > 0 {
		return err
	}
	return ErrPayDateMoved
}
