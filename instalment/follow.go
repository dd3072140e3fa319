package instalment

import (
	"gorm.io/gorm"

	"b24pay/outbox"
)

// TopicAmountsChanged tells the payments side that instalments owe another amount now (an edit, a
// payment, a refund): their open orders follow the new amount (billing's Follow).
const TopicAmountsChanged = "instalment.amounts_changed"

// AmountsChanged is the payload of TopicAmountsChanged.
type AmountsChanged struct {
	IDs []int64 `json:"ids"`
}

// amountsChanged queues, in the transaction that changed them, the move of the instalments' open
// orders to what they owe now.
func (s *Service) amountsChanged(tx *gorm.DB, memberID string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	return outbox.Enqueue(tx, s.clock.Now(), outbox.Message{Topic: TopicAmountsChanged, MemberID: memberID,
		Payload: AmountsChanged{IDs: ids}})
}
