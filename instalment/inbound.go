package instalment

import (
	"context"

	"b24pay/outbox"
)

// TopicEvent carries a verified Bitrix24 event from the HTTP handler to its processing: the event is
// stored (as an outbox row) before Bitrix24 gets its answer, and processed with retries.
const TopicEvent = "b24.event"

// Event kinds.
const (
	EventItem    = "item"
	EventDeal    = "deal"
	EventContact = "contact"
	EventCompany = "company"
)

// EventJob is a Bitrix24 event reduced to what processing needs.
type EventJob struct {
	Kind         string `json:"kind"`
	EntityTypeID int    `json:"entity_type_id,omitempty"`
	ID           int64  `json:"id"`
	UserID       int64  `json:"user_id,omitempty"`
}

// AcceptEvent stores an event for processing.
func (s *Service) AcceptEvent(ctx context.Context, memberID string, j EventJob) error {
	return outbox.Enqueue(s.db.WithContext(ctx), s.clock.Now(), outbox.Message{Topic: TopicEvent, MemberID: memberID, Payload: j})
}

func (s *Service) handleEvent(ctx context.Context, job outbox.Job) error {
	var j EventJob
	if err := job.Decode(&j); err != nil {
		return err
	}
	switch j.Kind {
	case EventItem:
		return s.ApplyItemEvent(ctx, job.MemberID, j.EntityTypeID, j.ID, Actor{UserID: j.UserID})
	case EventDeal:
		return s.RefreshOwner(ctx, Owner{MemberID: job.MemberID, Type: "deal", ID: j.ID})
	case EventContact, EventCompany:
		return s.RefreshClient(ctx, job.MemberID, j.Kind, j.ID)
	}
	return nil
}
