package instalment

import (
	"context"

	"b24pay/bitrix"
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

// AcceptEvent stores an event for processing, in the bulk lane: events come by the thousand (our own
// pushes echo back), and a push from the tab goes first.
func (s *Service) AcceptEvent(ctx context.Context, memberID string, j EventJob) error {
	return outbox.Enqueue(s.db.WithContext(ctx), s.clock.Now(), outbox.Message{Topic: TopicEvent, MemberID: memberID,
		Payload: j, Lane: outbox.LaneBulk})
}

// eventBatch is how many stored events of one portal are processed together: item events among them
// are read with one crm.item.list page.
const eventBatch = bitrix.PageSize

// handleEvents processes a batch of one portal's events: item events of one smart process are read
// together (each item once), the others one by one.
func (s *Service) handleEvents(ctx context.Context, jobs []outbox.Job) []error {
	errs := make([]error, len(jobs))
	items := map[int]map[int64]Actor{} // entityTypeId → item id → actor of its latest event
	events := make([]EventJob, len(jobs))
	for i, job := range jobs {
		if errs[i] = job.Decode(&events[i]); errs[i] != nil {
			continue
		}
		if j := events[i]; j.Kind == EventItem {
			if items[j.EntityTypeID] == nil {
				items[j.EntityTypeID] = map[int64]Actor{}
			}
			items[j.EntityTypeID][j.ID] = Actor{UserID: j.UserID}
		} else {
			errs[i] = s.applyEvent(ctx, jobs[i].MemberID, j)
		}
	}
	results := map[int]map[int64]error{}
	for etid, actors := range items {
		results[etid] = s.applyItemEvents(ctx, jobs[0].MemberID, etid, actors)
	}
	for i, j := range events {
		if errs[i] == nil && j.Kind == EventItem {
			errs[i] = results[j.EntityTypeID][j.ID]
		}
	}
	return errs
}

func (s *Service) applyEvent(ctx context.Context, memberID string, j EventJob) error {
	switch j.Kind {
	case EventDeal:
		return s.RefreshOwner(ctx, Owner{MemberID: memberID, Type: "deal", ID: j.ID})
	case EventContact, EventCompany:
		return s.RefreshClient(ctx, memberID, j.Kind, j.ID)
	}
	return nil
}
