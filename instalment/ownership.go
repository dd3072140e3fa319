package instalment

import "context"

// Owns returns ErrNotFound unless instalment id belongs to a schedule of o (same portal, entity
// type and id). Every tab API route acting on an instalment checks this first.
func (s *Service) Owns(ctx context.Context, o Owner, id int64) error {
	var n int64
	err := s.db.WithContext(ctx).Table("instalments AS i").
		Joins("JOIN payment_schedules AS s ON s.id = i.schedule_id").
		Where("i.id = ? AND i.member_id = ? AND s.member_id = ? AND s.owner_type = ? AND s.owner_id = ?",
			id, o.MemberID, o.MemberID, o.Type, o.ID).Count(&n).Error
	if err == nil && n == 0 {
		return ErrNotFound
	}
	return err
}
