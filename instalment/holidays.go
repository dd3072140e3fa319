package instalment

import (
	"context"
	"errors"
	"time"

	"b24pay/schedules"
	"b24pay/store"
)

// ErrTransferExists is returned when the portal already has a transfer from or to one of the dates.
var ErrTransferExists = errors.New("instalment: a transfer from or to this date already exists")

// HolidayTransfer is a decree transfer of a day off that the portal's administrator entered on the
// settings page, for a year whose decree this release does not know yet.
type HolidayTransfer struct {
	ID        int64
	MemberID  string
	FromDate  string // YYYY-MM-DD, a Saturday or Sunday
	ToDate    string // YYYY-MM-DD, the weekday that becomes a day off
	Note      string
	CreatedBy int64
	CreatedAt time.Time
}

// Transfer is the engine's value.
func (h HolidayTransfer) Transfer() schedules.Transfer {
	from, _ := schedules.ParseDate(h.FromDate)
	to, _ := schedules.ParseDate(h.ToDate)
	return schedules.Transfer{From: from, To: to, Note: h.Note}
}

// HolidayTransfers lists the portal's own transfers by date.
func (s *Service) HolidayTransfers(ctx context.Context, memberID string) ([]HolidayTransfer, error) {
	var out []HolidayTransfer
	err := s.db.WithContext(ctx).Where("member_id = ?", memberID).Order("to_date, id").Find(&out).Error
	return out, err
}

// Calendar is the working-day calendar of the portal: the built-in decrees plus its own transfers.
func (s *Service) Calendar(ctx context.Context, memberID string) (*schedules.Calendar, error) {
	rows, err := s.HolidayTransfers(ctx, memberID)
	if err != nil {
		return nil, err
	}
	ts := make([]schedules.Transfer, len(rows))
	for i, r := range rows {
		ts[i] = r.Transfer()
	}
	return schedules.NewCalendar(ts)
}

// AddHolidayTransfer stores one transfer after checking it with the portal's others; errors are the
// engine's ValidationErrors (the new transfer is the last row) or ErrTransferExists.
func (s *Service) AddHolidayTransfer(ctx context.Context, memberID string, userID int64, t schedules.Transfer) error {
	rows, err := s.HolidayTransfers(ctx, memberID)
	if err != nil {
		return err
	}
	ts := make([]schedules.Transfer, 0, len(rows)+1)
	for _, r := range rows {
		ts = append(ts, r.Transfer())
	}
	if err := schedules.ValidateTransfers(append(ts, t)); err != nil {
		return err
	}
	err = s.db.WithContext(ctx).Create(&HolidayTransfer{MemberID: memberID, FromDate: t.From.String(), ToDate: t.To.String(),
		Note: t.Note, CreatedBy: userID, CreatedAt: s.clock.Now()}).Error
	if store.IsUniqueViolation(err) {
		return ErrTransferExists
	}
	return err
}

// DeleteHolidayTransfer removes one of the portal's transfers; deleting a missing one is not an error.
func (s *Service) DeleteHolidayTransfer(ctx context.Context, memberID string, id int64) error {
	return s.db.WithContext(ctx).Where("member_id = ? AND id = ?", memberID, id).Delete(&HolidayTransfer{}).Error
}
