package instalment

import (
	"context"

	"b24pay/schedules"
)

// ClientSchedule is an active schedule of a client (the client cabinet): its deal or lead's title,
// the tab's view of it and the raw rows for dates and sums.
type ClientSchedule struct {
	Title    string
	Currency schedules.Currency
	View     *View
	Rows     []Instalment
}

// ForClient returns the active schedules whose client is the Bitrix24 contact or company
// (entityType contact | company), oldest first.
func (s *Service) ForClient(ctx context.Context, memberID, entityType string, b24ID int64) ([]ClientSchedule, error) {
	db := s.db.WithContext(ctx)
	var list []Schedule
	err := db.Where("member_id = ? AND status = ? AND client_id IN (?)", memberID, ScheduleActive,
		db.Model(&Client{}).Select("id").Where("member_id = ? AND entity_type = ? AND b24_id = ?", memberID, entityType, b24ID)).
		Order("id").Find(&list).Error
	if err != nil {
		return nil, err
	}
	out := make([]ClientSchedule, 0, len(list))
	for _, sch := range list {
		rows, err := instalmentsOf(db, sch.ID)
		if err != nil {
			return nil, err
		}
		cur, _ := schedules.LookupCurrency(sch.Currency)
		out = append(out, ClientSchedule{Title: sch.Title, Currency: cur, View: buildView(sch, rows, nil), Rows: rows})
	}
	return out, nil
}

// Human formats minor units of the schedule's currency for people: «1 437,15 ₽».
func (c ClientSchedule) Human(minor int64) string { return c.Currency.Human(major(minor, c.Currency)) }

// ClientOf returns the Bitrix24 contact or company of the owner's deal or lead, as the tab last
// read it; ErrNotFound when the owner has no client.
func (s *Service) ClientOf(ctx context.Context, o Owner) (Client, error) {
	info, err := s.LoadOwner(ctx, o)
	if err != nil {
		return Client{}, err
	}
	if info.ClientID == nil {
		return Client{}, ErrNotFound
	}
	var c Client
	return c, s.db.WithContext(ctx).Where("member_id = ? AND id = ?", o.MemberID, *info.ClientID).Take(&c).Error
}
