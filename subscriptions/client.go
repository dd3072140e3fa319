package subscriptions

import "context"

// ForClient lists the subscriptions of one Bitrix24 contact or company (entityType "contact" or
// "company"), newest first: what the client cabinet shows to the client's accounts.
func (s *Service) ForClient(ctx context.Context, memberID, entityType string, b24ID int64) ([]Subscription, error) {
	var out []Subscription
	err := s.db.WithContext(ctx).Where("member_id = ? AND client_id IN (?)", memberID,
		s.db.Model(&clientRow{}).Select("id").Where("member_id = ? AND entity_type = ? AND b24_id = ?", memberID, entityType, b24ID)).
		Order("id DESC").Find(&out).Error
	return out, err
}
