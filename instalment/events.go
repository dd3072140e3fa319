package instalment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"b24pay/bitrix"
	"b24pay/outbox"
	"b24pay/portal"
	"b24pay/schedules"
	"b24pay/store"
)

// ItemState is what we read back from an instalment's smart-process item.
type ItemState struct {
	ItemID  int64
	XMLID   string
	StageID string
	Paid    decimal.Decimal
}

// readItem decodes the fields we care about from a crm.item payload.
func readItem(it *bitrix.Item, prov portal.Provisioned) (ItemState, error) {
	var raw map[string]json.RawMessage
	if err := it.Decode(&raw); err != nil {
		return ItemState{}, err
	}
	st := ItemState{ItemID: int64(it.ID)}
	_ = json.Unmarshal(raw["xmlId"], &st.XMLID)
	_ = json.Unmarshal(raw["stageId"], &st.StageID)
	if v := raw[prov.FieldName("PAID")]; len(v) > 0 && string(v) != "null" && string(v) != `""` {
		if err := st.Paid.UnmarshalJSON(v); err != nil {
			return st, fmt.Errorf("item %d: paid amount %s: %w", st.ItemID, v, err)
		}
	}
	return st, nil
}

// applyItemEvents handles ONCRMDYNAMICITEMUPDATE for our smart process: the items are read back
// (events carry no field values) and a manager's change of stage or paid amount is applied to our
// instalment. It reads the items of many events of one portal with one crm.item.list per
// bitrix.PageSize ids (filter "@id", one page each) and applies each; an item updated five times is
// read once. It returns the error of each item (nil: done; a deleted item is done).
// Docs: api-reference/crm/universal/crm-item-list.md (filter prefix "@" = IN, pages of 50).
func (s *Service) applyItemEvents(ctx context.Context, memberID string, entityTypeID int, actors map[int64]Actor) map[int64]error {
	errs := make(map[int64]error, len(actors))
	fail := func(err error) map[int64]error {
		for id := range actors {
			errs[id] = err
		}
		return errs
	}
	cl, prov, err := s.portalFor(ctx, memberID)
	if err != nil || entityTypeID != prov.SPAEntityTypeID {
		return fail(err)
	}
	for ids := range slices.Chunk(slices.Sorted(maps.Keys(actors)), bitrix.PageSize) {
		page, err := readItems(ctx, cl, prov, ids)
		if err != nil {
			for _, id := range ids {
				errs[id] = err
			}
			continue
		}
		for _, it := range page {
			st, err := readItem(it, prov)
			if err == nil {
				_, err = s.applyItemState(ctx, memberID, prov, st, actors[int64(it.ID)])
			}
			errs[int64(it.ID)] = err
		}
	}
	return errs // ids Bitrix24 did not return were deleted: nothing to apply
}

// readItems reads up to one page of our smart process's items by id with one crm.item.list.
func readItems(ctx context.Context, cl *bitrix.Client, prov portal.Provisioned, ids []int64) ([]*bitrix.Item, error) {
	resp, err := cl.CallIdempotent(ctx, "crm.item.list", map[string]any{"entityTypeId": prov.SPAEntityTypeID,
		"filter": map[string]any{"@id": ids}, "select": []string{"id", "xmlId", "stageId", prov.FieldName("PAID")},
		"order": map[string]string{"id": "ASC"}, "start": -1})
	if err != nil {
		return nil, err
	}
	var page struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(resp.Result, &page); err != nil {
		return nil, fmt.Errorf("%w: crm.item.list: %v", bitrix.ErrBadResponse, err)
	}
	items := make([]*bitrix.Item, 0, len(page.Items))
	for _, raw := range page.Items {
		var head struct {
			ID bitrix.ID `json:"id"`
		}
		if err := json.Unmarshal(raw, &head); err != nil || !slices.Contains(ids, int64(head.ID)) {
			continue
		}
		items = append(items, &bitrix.Item{ID: head.ID, Raw: raw})
	}
	return items, nil
}

// applyItemState reconciles one item with our instalment; it reports whether anything changed.
func (s *Service) applyItemState(ctx context.Context, memberID string, prov portal.Provisioned, st ItemState, actor Actor) (bool, error) {
	changed := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var r Instalment
		err := tx.Where("member_id = ? AND b24_item_id = ?", memberID, st.ItemID).Take(&r).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil // not one of ours (or created by an attempt we have not recorded yet)
		}
		if err != nil {
			return err
		}
		sch, err := lockSchedule(tx, s.db.Dialect, r.ScheduleID)
		if err != nil || sch.Status != ScheduleActive {
			return err
		}
		if err := tx.Where("id = ?", r.ID).Take(&r).Error; err != nil { // re-read under the lock
			return err
		}
		cur, _ := schedules.LookupCurrency(sch.Currency)
		stage := prov.StageCode(st.StageID)
		itemPaid := minor(st.Paid, cur)
		if written(stage, itemPaid) == r.B24Written || r.B24Sync != SyncSynced && stage == r.Status && itemPaid == r.PaidMinor {
			return nil // our own write coming back
		}
		changed = true
		return s.applyManagerChange(tx, sch, r, stage, itemPaid, actor)
	})
	return changed, err
}

func (s *Service) applyManagerChange(tx *gorm.DB, sch Schedule, r Instalment, stage string, itemPaid int64, actor Actor) error {
	cur, _ := schedules.LookupCurrency(sch.Currency)
	newPaid := itemPaid
	if stage == StatusPaid && itemPaid < r.AmountMinor {
		newPaid = r.AmountMinor // moved to «Оплачен» without an amount: the instalment is paid in full
	}
	rows, err := instalmentsOf(tx, sch.ID)
	if err != nil {
		return err
	}
	var detail string
	switch delta := newPaid - r.PaidMinor; {
	case delta > 0:
		applied, err := s.applyPayment(tx, sch, rows, r.ID, delta)
		if err != nil {
			return err
		}
		detail = fmt.Sprintf("В Битрикс24 отмечена оплата %s по платежу №%d: %s", cur.Human(major(delta, cur)), r.Seq, applied)
	case delta < 0:
		if err := s.unapply(tx, &r, newPaid); err != nil {
			return err
		}
		detail = fmt.Sprintf("В Битрикс24 оплата по платежу №%d уменьшена до %s", r.Seq, cur.Human(major(newPaid, cur)))
	default:
		// A stage we do not take from Bitrix24 (our statuses follow the money): put ours back.
		if err := tx.Model(&Instalment{}).Where("id = ?", r.ID).Updates(map[string]any{"b24_sync": SyncPending,
			"updated_at": s.clock.Now()}).Error; err != nil {
			return err
		}
		return s.enqueueSync(tx, sch)
	}
	return s.record(tx, sch, actor, "paid_in_bitrix24", detail, true)
}

// lockSchedule takes the schedule's row lock for a money change (SQLite has a single writer).
func lockSchedule(tx *gorm.DB, dialect string, id int64) (Schedule, error) {
	var sch Schedule
	if dialect == store.Postgres {
		return sch, tx.Raw("SELECT * FROM payment_schedules WHERE id = ? FOR UPDATE", id).Scan(&sch).Error
	}
	return sch, tx.Where("id = ?", id).Take(&sch).Error
}

// Resync walks every item of our smart process and repairs what lost events left behind: payments
// marked in Bitrix24, items deleted there, instalments whose push never finished.
func (s *Service) Resync(ctx context.Context, memberID string) (int, error) {
	cl, prov, err := s.portalFor(ctx, memberID)
	if err != nil {
		return 0, err
	}
	seen := map[int64]bool{}
	changed := 0
	err = cl.ItemList(ctx, prov.SPAEntityTypeID, nil, []string{"id", "xmlId", "stageId", prov.FieldName("PAID")},
		func(it *bitrix.Item) error {
			st, err := readItem(it, prov)
			if err != nil || !strings.HasPrefix(st.XMLID, "b24pay-") {
				return err
			}
			seen[st.ItemID] = true
			did, err := s.applyItemState(ctx, memberID, prov, st, Actor{Name: "Сверка с Битрикс24"})
			if did {
				changed++
			}
			return err
		})
	if err != nil {
		return changed, err
	}
	return changed, s.repairUnsynced(ctx, memberID, seen)
}

// repairUnsynced re-creates items deleted in Bitrix24 and re-queues schedules with unsynced rows.
func (s *Service) repairUnsynced(ctx context.Context, memberID string, seen map[int64]bool) error {
	var rows []Instalment
	err := s.db.WithContext(ctx).Joins("JOIN payment_schedules s ON s.id = instalments.schedule_id AND s.status = 'active'").
		Where("instalments.member_id = ?", memberID).Find(&rows).Error
	if err != nil {
		return err
	}
	queued := map[int64]bool{}
	for _, r := range rows {
		missing := r.B24ItemID != nil && !seen[*r.B24ItemID]
		if r.B24Sync == SyncSynced && !missing {
			continue
		}
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if missing {
				if err := tx.Model(&Instalment{}).Where("id = ?", r.ID).Updates(map[string]any{"b24_item_id": nil,
					"b24_sync": SyncPending, "updated_at": s.clock.Now()}).Error; err != nil {
					return err
				}
			}
			if queued[r.ScheduleID] {
				return nil
			}
			queued[r.ScheduleID] = true
			var sch Schedule
			if err := tx.Where("id = ?", r.ScheduleID).Take(&sch).Error; err != nil {
				return err
			}
			return s.enqueueSyncIn(tx, sch, outbox.LaneBulk)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
