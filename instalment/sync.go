package instalment

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"b24pay/bitrix"
	"b24pay/outbox"
	"b24pay/portal"
	"b24pay/schedules"
)

type syncJob struct {
	ScheduleID int64 `json:"schedule_id"`
}

type debtJob struct {
	DealID int64 `json:"deal_id"`
}

type invoiceJob struct {
	InstalmentID int64 `json:"instalment_id"`
}

type notifyJob struct {
	UserID  int64  `json:"user_id"`
	Message string `json:"message"`
	Tag     string `json:"tag"`
}

// Register adds the package's outbox handlers to a worker.
func (s *Service) Register(w *outbox.Worker) {
	w.Handle(TopicSyncSchedule, s.handleSync)
	w.Handle(TopicDealDebt, s.handleDebt)
	w.Handle(TopicIssueInvoice, s.handleInvoice)
	w.Handle(TopicNotify, s.handleNotify)
	w.HandleBatch(TopicEvent, eventBatch, s.handleEvents)
	w.Handle(TopicTimeline, s.handleTimeline)
	w.Handle(TopicChatMessage, s.handleChatMessage)
	w.Handle(TopicInvoicePaid, s.handleInvoicePaid)
}

// portalFor returns an installed portal's client and provisioning.
func (s *Service) portalFor(ctx context.Context, memberID string) (*bitrix.Client, portal.Provisioned, error) {
	p, err := s.portals.Get(ctx, memberID)
	if err != nil {
		return nil, portal.Provisioned{}, outbox.Permanent(err)
	}
	if !p.Installed() {
		return nil, portal.Provisioned{}, outbox.Permanent(portal.ErrNotInstalled)
	}
	cl, err := s.clients.For(ctx, memberID)
	return cl, p.Provisioned(), err
}

// written is the marker of what we last wrote to an item: an event showing exactly this state is
// our own write coming back and is ignored.
func written(status string, paidMinor int64) string {
	return status + "|" + strconv.FormatInt(paidMinor, 10)
}

func xmlID(instalmentID int64) string { return "b24pay-" + strconv.FormatInt(instalmentID, 10) }

// clientLink is the crm.item client binding of a schedule's client (nil when it has none).
func (s *Service) clientLink(ctx context.Context, sch Schedule) map[string]any {
	if sch.ClientID == nil {
		return nil
	}
	var c Client
	if err := s.db.WithContext(ctx).Where("id = ?", *sch.ClientID).Take(&c).Error; err != nil {
		return nil
	}
	if c.EntityType == "company" {
		return map[string]any{"companyId": c.B24ID}
	}
	return map[string]any{"contactIds": []int64{c.B24ID}}
}

func (s *Service) itemFields(sch Schedule, r Instalment, count int, prov portal.Provisioned, link map[string]any) map[string]any {
	cur, _ := schedules.LookupCurrency(sch.Currency)
	f := map[string]any{
		"title":                    fmt.Sprintf("Платёж %d из %d — %s", r.Seq, count, sch.Title),
		"stageId":                  prov.Stages[r.Status],
		"xmlId":                    xmlID(r.ID),
		prov.FieldName("AMOUNT"):   cur.Plain(major(r.AmountMinor, cur)),
		prov.FieldName("DUE_DATE"): r.Due,
		prov.FieldName("PAID"):     cur.Plain(major(r.PaidMinor, cur)),
		prov.FieldName("NUMBER"):   r.Seq,
		prov.FieldName("SCHEDULE"): sch.ID,
	}
	if sch.ResponsibleID != 0 {
		f["assignedById"] = sch.ResponsibleID
	}
	for k, v := range link {
		f[k] = v
	}
	if sch.OwnerType == "deal" {
		f["parentId2"] = sch.OwnerID
	} else {
		f["parentId1"] = sch.OwnerID
	}
	return f
}

// handleSync pushes every instalment of a schedule that is not in step with Bitrix24, in batches.
func (s *Service) handleSync(ctx context.Context, job outbox.Job) error {
	var j syncJob
	if err := job.Decode(&j); err != nil {
		return err
	}
	// Several outbox workers may hold sync messages of one schedule; two pushes at once would
	// both add the items neither has stored yet.
	lock := &s.syncs[uint64(j.ScheduleID)%uint64(len(s.syncs))]
	lock.Lock()
	defer lock.Unlock()
	db := s.db.WithContext(ctx)
	var sch Schedule
	if err := db.Where("id = ?", j.ScheduleID).Take(&sch).Error; err != nil {
		return outbox.Permanent(err)
	}
	cl, prov, err := s.portalFor(ctx, sch.MemberID)
	if err != nil {
		return err
	}
	all, err := instalmentsOf(db, sch.ID)
	if err != nil {
		return err
	}
	var todo []Instalment
	for _, r := range all {
		if r.B24Sync != SyncSynced {
			todo = append(todo, r)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	// An earlier push may have created items whose ids we never stored (crash, lost answer).
	if err := s.adoptExisting(ctx, cl, prov, sch.ID, todo); err != nil {
		return err
	}
	cmds := make([]bitrix.Command, len(todo))
	link := s.clientLink(ctx, sch)
	for i, r := range todo {
		name := "i" + strconv.FormatInt(r.ID, 10)
		fields := s.itemFields(sch, r, len(all), prov, link)
		if r.B24ItemID == nil {
			cmds[i] = bitrix.ItemAddCommand(name, prov.SPAEntityTypeID, fields)
		} else {
			cmds[i] = bitrix.ItemUpdateCommand(name, prov.SPAEntityTypeID, bitrix.ID(*r.B24ItemID), fields)
		}
	}
	res, err := cl.BatchChunked(ctx, cmds)
	var batchErr *bitrix.BatchError
	if err != nil && (res == nil || !errors.As(err, &batchErr)) {
		return err
	}
	return s.recordSync(ctx, todo, res)
}

// adoptExisting finds items of the schedule that exist in Bitrix24 but not in our rows (matched by
// xmlId) and stores their ids, so they are updated instead of created twice. One list call, and
// only when some row has no item yet.
func (s *Service) adoptExisting(ctx context.Context, cl *bitrix.Client, prov portal.Provisioned, scheduleID int64, rows []Instalment) error {
	missing := map[string]*Instalment{}
	for i := range rows {
		if rows[i].B24ItemID == nil {
			missing[xmlID(rows[i].ID)] = &rows[i]
		}
	}
	if len(missing) == 0 {
		return nil
	}
	filter := map[string]any{"=" + prov.FieldName("SCHEDULE"): scheduleID}
	return cl.ItemFind(ctx, prov.SPAEntityTypeID, filter, []string{"id", "xmlId"}, func(it *bitrix.Item) error {
		var head struct {
			XMLID string `json:"xmlId"`
		}
		if err := it.Decode(&head); err != nil {
			return err
		}
		r, ok := missing[head.XMLID]
		if !ok {
			return nil
		}
		id := int64(it.ID)
		r.B24ItemID = &id
		return s.db.WithContext(ctx).Model(&Instalment{}).Where("id = ?", r.ID).Update("b24_item_id", id).Error
	})
}

// recordSync stores item ids and sync states. A row changed meanwhile (updated_at moved) stays
// pending and is pushed again.
func (s *Service) recordSync(ctx context.Context, rows []Instalment, res *bitrix.BatchResult) error {
	var failed []string
	again := false
	for _, r := range rows {
		name := "i" + strconv.FormatInt(r.ID, 10)
		q := s.db.WithContext(ctx).Model(&Instalment{}).Where("id = ? AND updated_at = ?", r.ID, r.UpdatedAt)
		if apiErr, bad := res.Errors[name]; bad {
			failed = append(failed, fmt.Sprintf("№%d: %s", r.Seq, apiErr.Error()))
			if err := q.Updates(map[string]any{"b24_sync": SyncFailed, "b24_error": apiErr.Description}).Error; err != nil {
				return err
			}
			continue
		}
		var out struct {
			Item struct {
				ID bitrix.ID `json:"id"`
			} `json:"item"`
		}
		if err := res.Decode(name, &out); err != nil {
			return err
		}
		upd := q.Updates(map[string]any{"b24_item_id": int64(out.Item.ID), "b24_sync": SyncSynced, "b24_error": "",
			"b24_written": written(r.Status, r.PaidMinor)})
		if upd.Error != nil {
			return upd.Error
		}
		if upd.RowsAffected == 0 {
			again = true
			if err := s.db.WithContext(ctx).Model(&Instalment{}).Where("id = ? AND b24_item_id IS NULL", r.ID).
				Update("b24_item_id", int64(out.Item.ID)).Error; err != nil {
				return err
			}
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("Bitrix24 refused %d item(s): %v", len(failed), failed)
	}
	if again {
		return errors.New("instalments changed during sync; pushing again")
	}
	return nil
}

// DealDebt is the remaining debt of a deal's active schedules, in minor units, with the currency.
func (s *Service) DealDebt(ctx context.Context, memberID string, dealID int64) (int64, string, error) {
	var rows []struct {
		Currency string
		Debt     int64
	}
	err := s.db.WithContext(ctx).Raw(`SELECT s.currency AS currency, COALESCE(SUM(i.amount_minor - i.paid_minor), 0) AS debt
		FROM payment_schedules s JOIN instalments i ON i.schedule_id = s.id
		WHERE s.member_id = ? AND s.owner_type = 'deal' AND s.owner_id = ? AND s.status = 'active' AND i.status <> 'cancelled'
		GROUP BY s.currency`, memberID, dealID).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return 0, "RUB", err
	}
	return rows[0].Debt, rows[0].Currency, nil
}

// handleDebt writes the deal's «Остаток долга» from our numbers (computed at delivery time, so a
// late retry never writes a stale figure).
func (s *Service) handleDebt(ctx context.Context, job outbox.Job) error {
	var j debtJob
	if err := job.Decode(&j); err != nil {
		return err
	}
	cl, prov, err := s.portalFor(ctx, job.MemberID)
	if err != nil {
		return err
	}
	debt, currency, err := s.DealDebt(ctx, job.MemberID, j.DealID)
	if err != nil {
		return err
	}
	cur, _ := schedules.LookupCurrency(currency)
	value := cur.Plain(major(debt, cur)) + "|" + currency
	_, err = cl.CallIdempotent(ctx, "crm.deal.update", map[string]any{"id": j.DealID,
		"fields": map[string]any{prov.DealDebtField: value}})
	if errors.Is(err, bitrix.ErrNotFound) {
		return outbox.Permanent(err)
	}
	return err
}

// handleNotify sends a system notification to a Bitrix24 user.
func (s *Service) handleNotify(ctx context.Context, job outbox.Job) error {
	var j notifyJob
	if err := job.Decode(&j); err != nil {
		return err
	}
	cl, _, err := s.portalFor(ctx, job.MemberID)
	if err != nil {
		return err
	}
	_, err = cl.NotifySystem(ctx, bitrix.ID(j.UserID), j.Message, j.Tag)
	return err
}
