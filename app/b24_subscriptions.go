package app

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"b24pay/bitrix"
	"b24pay/outbox"
	"b24pay/portal"
	"b24pay/subscriptions"
)

// subscriptionsB24 delivers the subscriptions' Bitrix24 side effects from the outbox.
type subscriptionsB24 struct {
	a   *App
	mu  sync.Mutex
	spa map[string]portal.SubscriptionsSPA // by member id; re-derived from the portal after a restart
}

// spaOf provisions (idempotently) and caches the «Подписки» smart process of a portal.
func (s *subscriptionsB24) spaOf(ctx context.Context, memberID string, cl *bitrix.Client) (portal.SubscriptionsSPA, error) {
	s.mu.Lock()
	spa, ok := s.spa[memberID]
	s.mu.Unlock()
	if ok {
		return spa, nil
	}
	spa, err := portal.ProvisionSubscriptions(ctx, cl)
	if err != nil {
		return spa, err
	}
	s.mu.Lock()
	s.spa[memberID] = spa
	s.mu.Unlock()
	return spa, nil
}

// update creates or updates the subscription's item and adds the event's timeline comment.
// Docs: api-reference/crm/universal/crm-item-add.md, crm-item-update.md, crm-item-list.md,
// api-reference/crm/timeline/comments/crm-timeline-comment-add.md.
func (s *subscriptionsB24) update(ctx context.Context, job outbox.Job) error {
	var p subscriptions.B24Sync
	if err := job.Decode(&p); err != nil {
		return err
	}
	cl, err := s.a.b24.For(ctx, job.MemberID)
	if err != nil {
		return err
	}
	spa, err := s.spaOf(ctx, job.MemberID, cl)
	if err != nil {
		return err
	}
	v, err := s.a.recur.subs.B24View(ctx, job.MemberID, p.SubscriptionID)
	if err != nil {
		return outbox.Permanent(err)
	}
	itemID, err := s.item(ctx, cl, spa, job.MemberID, v)
	if err != nil {
		return err
	}
	if _, err := cl.Call(ctx, "crm.item.update", map[string]any{"entityTypeId": spa.EntityTypeID, "id": itemID,
		"fields": itemFields(spa, v)}); err != nil {
		return err
	}
	if p.Comment == "" {
		return nil
	}
	_, err = cl.Call(ctx, "crm.timeline.comment.add", map[string]any{"fields": map[string]any{
		"ENTITY_TYPE": spa.TimelineType(), "ENTITY_ID": itemID, "COMMENT": p.Comment}})
	return err
}

// item finds the subscription's item (by our id field, so a lost crm.item.add answer never makes a
// second item) or adds it, and records its id.
func (s *subscriptionsB24) item(ctx context.Context, cl *bitrix.Client, spa portal.SubscriptionsSPA, memberID string, v subscriptions.B24View) (int64, error) {
	if v.ItemID != 0 {
		return v.ItemID, nil
	}
	resp, err := cl.CallIdempotent(ctx, "crm.item.list", map[string]any{"entityTypeId": spa.EntityTypeID,
		"filter": map[string]any{"=" + spa.Field("SUBSCRIPTION"): v.ID}, "select": []string{"id"}})
	if err != nil {
		return 0, err
	}
	var found struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if err := json.Unmarshal(resp.Result, &found); err != nil {
		return 0, fmt.Errorf("crm.item.list: %w", err)
	}
	var id int64
	if len(found.Items) > 0 {
		id = found.Items[0].ID
	} else {
		if resp, err = cl.Call(ctx, "crm.item.add", map[string]any{"entityTypeId": spa.EntityTypeID,
			"fields": itemFields(spa, v)}); err != nil {
			return 0, err
		}
		var added struct {
			Item struct {
				ID int64 `json:"id"`
			} `json:"item"`
		}
		if err := json.Unmarshal(resp.Result, &added); err != nil || added.Item.ID == 0 {
			return 0, fmt.Errorf("crm.item.add: unexpected result %s", resp.Result)
		}
		id = added.Item.ID
	}
	return id, s.a.recur.subs.SetB24Item(ctx, memberID, v.ID, id)
}

func itemFields(spa portal.SubscriptionsSPA, v subscriptions.B24View) map[string]any {
	f := map[string]any{"title": v.ItemTitle(), "opportunity": v.Amount, "currencyId": v.Currency,
		spa.Field("SUBSCRIPTION"): v.ID, spa.Field("STATUS"): v.Status, spa.Field("NEXT_DATE"): v.NextDate,
		spa.Field("AMOUNT"): v.Amount, spa.Field("ROUTE"): v.Route, spa.Field("PAID_COUNT"): v.PaidCount,
		spa.Field("PAID_TOTAL"): v.PaidTotal}
	if v.ClientType == "company" {
		f["companyId"] = v.ClientB24ID
	} else {
		f["contactId"] = v.ClientB24ID
	}
	if v.DealID > 0 {
		f["parentId2"] = v.DealID
	}
	if v.ManagerID > 0 {
		f["assignedById"] = v.ManagerID
	}
	return f
}

// notify tells the responsible manager. TAG makes a repeated delivery replace, not duplicate,
// the notification (api-reference/chats/notifications/im-notify-system-add.md).
func (s *subscriptionsB24) notify(ctx context.Context, job outbox.Job) error {
	var n subscriptions.ManagerNote
	if err := job.Decode(&n); err != nil {
		return err
	}
	cl, err := s.a.b24.For(ctx, job.MemberID)
	if err != nil {
		return err
	}
	_, err = cl.Call(ctx, "im.notify.system.add", map[string]any{"USER_ID": n.ManagerID, "MESSAGE": n.Message,
		"TAG": fmt.Sprintf("b24pay-subscription-%d-%d", n.SubscriptionID, job.ID)})
	return err
}
