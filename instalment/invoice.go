package instalment

import (
	"context"
	"fmt"
	"strconv"

	"gorm.io/gorm"

	"b24pay/bitrix"
	"b24pay/outbox"
	"b24pay/schedules"
)

// SmartInvoiceType is the entityTypeId of Bitrix24's new invoices.
const SmartInvoiceType = 31

// handleInvoice creates the smart invoice of one instalment (found again by xmlId after a crash)
// with its product row, then records it and moves the instalment to «Счёт выставлен».
func (s *Service) handleInvoice(ctx context.Context, job outbox.Job) error {
	var j invoiceJob
	if err := job.Decode(&j); err != nil {
		return err
	}
	db := s.db.WithContext(ctx)
	var in Instalment
	if err := db.Where("id = ?", j.InstalmentID).Take(&in).Error; err != nil {
		return outbox.Permanent(err)
	}
	if in.InvoiceID != nil {
		return nil
	}
	var sch Schedule
	if err := db.Where("id = ?", in.ScheduleID).Take(&sch).Error; err != nil {
		return outbox.Permanent(err)
	}
	cl, _, err := s.portalFor(ctx, sch.MemberID)
	if err != nil {
		return err
	}
	id, err := s.findOrCreateInvoice(ctx, cl, sch, in)
	if err != nil {
		return err
	}
	return db.Transaction(func(tx *gorm.DB) error {
		in.InvoiceID = &id
		in.Status = deriveStatus(in, s.today().String())
		if err := tx.Model(&Instalment{}).Where("id = ?", in.ID).Updates(map[string]any{"invoice_id": id,
			"status": in.Status, "b24_sync": SyncPending, "updated_at": s.clock.Now()}).Error; err != nil {
			return err
		}
		return s.record(tx, sch, SystemActor, "invoiced", fmt.Sprintf("Выставлен счёт №%d на платёж №%d", id, in.Seq), true)
	})
}

func (s *Service) findOrCreateInvoice(ctx context.Context, cl *bitrix.Client, sch Schedule, in Instalment) (int64, error) {
	xml := "b24pay-inv-" + strconv.FormatInt(in.ID, 10)
	var found int64
	err := cl.ItemFind(ctx, SmartInvoiceType, map[string]any{"=xmlId": xml}, []string{"id"}, func(it *bitrix.Item) error {
		found = int64(it.ID)
		return nil
	})
	if err != nil || found != 0 {
		return found, err
	}
	cur, _ := schedules.LookupCurrency(sch.Currency)
	amount := cur.Plain(major(in.Outstanding(), cur))
	title := fmt.Sprintf("Платёж №%d по графику — %s", in.Seq, sch.Title)
	fields := map[string]any{"title": title, "opportunity": amount, "currencyId": sch.Currency, "isManualOpportunity": "Y",
		"closedate": in.Due, "xmlId": xml}
	if sch.OwnerType == "deal" {
		fields["parentId2"] = sch.OwnerID
	}
	if sch.ResponsibleID != 0 {
		fields["assignedById"] = sch.ResponsibleID
	}
	for k, v := range s.clientLink(ctx, sch) {
		fields[k] = v
	}
	item, err := cl.ItemAdd(ctx, SmartInvoiceType, fields)
	if err != nil {
		return 0, err
	}
	rows := []map[string]any{{"productName": title, "price": amount, "quantity": 1}}
	if _, err := cl.ProductRowsSet(ctx, "SI", item.ID, rows); err != nil {
		return 0, err
	}
	return int64(item.ID), nil
}
