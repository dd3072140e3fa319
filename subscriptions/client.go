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

// ForDeal lists the subscriptions a manager created from one deal, newest first.
func (s *Service) ForDeal(ctx context.Context, memberID string, dealID int64) ([]Subscription, error) {
	var out []Subscription
	err := s.db.WithContext(ctx).Where("member_id = ? AND deal_id = ?", memberID, dealID).Order("id DESC").Find(&out).Error
	return out, err
}

// OfClient tells whether sub is the subscription of the Bitrix24 contact or company b24ID.
func (s *Service) OfClient(ctx context.Context, sub Subscription, entityType string, b24ID int64) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&clientRow{}).
		Where("member_id = ? AND id = ? AND entity_type = ? AND b24_id = ?", sub.MemberID, sub.ClientID, entityType, b24ID).
		Count(&n).Error
	return n == 1, err
}
