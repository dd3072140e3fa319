package instalment

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// PayPageInfo is what a public pay page tells about the instalment behind a payment: which one of
// the schedule it is, when it is due, and who pays.
type PayPageInfo struct {
	Seq, Count int
	Due        string  // YYYY-MM-DD
	Client     *Client // nil when the deal or lead has none
}

// PayPageOf describes an instalment for its pay page, whatever the state of its schedule (a paid
// page is still shown); the count is numbered as the Bitrix24 items are («Платёж k из N»).
func (s *Service) PayPageOf(ctx context.Context, memberID string, id int64) (PayPageInfo, error) {
	db := s.db.WithContext(ctx)
	var in Instalment
	err := db.Where("id = ? AND member_id = ?", id, memberID).Take(&in).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return PayPageInfo{}, ErrNotFound
	}
	if err != nil {
		return PayPageInfo{}, err
	}
	all, err := instalmentsOf(db, in.ScheduleID)
	if err != nil {
		return PayPageInfo{}, err
	}
	info := PayPageInfo{Seq: in.Seq, Count: len(all), Due: in.Due}
	var sch Schedule
	if err := db.Where("id = ?", in.ScheduleID).Take(&sch).Error; err != nil {
		return PayPageInfo{}, err
	}
	info.Client = clientByID(db, sch.ClientID)
	return info, nil
}

// clientByID is a schedule's stored client, nil when it has none (or it cannot be read: the
// client is shown where known, never required).
func clientByID(db *gorm.DB, id *int64) *Client {
	if id == nil {
		return nil
	}
	var c Client
	if db.Where("id = ?", *id).Take(&c).Error != nil {
		return nil
	}
	return &c
}
