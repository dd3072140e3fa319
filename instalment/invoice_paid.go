package instalment

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"b24pay/bitrix"
	"b24pay/outbox"
)

// TopicInvoicePaid moves an instalment's smart invoice to its paid stage.
const TopicInvoicePaid = "b24.invoice.paid"

type invoicePaidJob struct {
	InvoiceID int64 `json:"invoice_id"`
}

// markInvoicesPaid queues the stage change of the smart invoices of instalments that are now paid.
func (s *Service) markInvoicesPaid(tx *gorm.DB, rows []Instalment) error {
	for _, r := range rows {
		if r.InvoiceID == nil || r.Status != StatusPaid {
			continue
		}
		if err := outbox.Enqueue(tx, s.clock.Now(), outbox.Message{Topic: TopicInvoicePaid, MemberID: r.MemberID,
			Key: fmt.Sprintf("invoice-paid:%d", *r.InvoiceID), Payload: invoicePaidJob{InvoiceID: *r.InvoiceID}}); err != nil {
			return err
		}
	}
	return nil
}

// handleInvoicePaid finds the invoice pipeline's success stage (SEMANTICS "S", resolved per portal:
// category ids and stage codes differ, §10) and moves the invoice there.
func (s *Service) handleInvoicePaid(ctx context.Context, job outbox.Job) error {
	var j invoicePaidJob
	if err := job.Decode(&j); err != nil {
		return err
	}
	cl, _, err := s.portalFor(ctx, job.MemberID)
	if err != nil {
		return err
	}
	it, err := cl.ItemGet(ctx, SmartInvoiceType, bitrix.ID(j.InvoiceID))
	if err != nil {
		return err
	}
	var inv struct {
		CategoryID int    `json:"categoryId"`
		StageID    string `json:"stageId"`
	}
	if err := it.Decode(&inv); err != nil {
		return err
	}
	resp, err := cl.CallIdempotent(ctx, "crm.status.list", map[string]any{"filter": map[string]any{
		"ENTITY_ID": fmt.Sprintf("SMART_INVOICE_STAGE_%d", inv.CategoryID)}})
	if err != nil {
		return err
	}
	var stages []struct {
		StatusID  string `json:"STATUS_ID"`
		Semantics string `json:"SEMANTICS"`
	}
	if err := json.Unmarshal(resp.Result, &stages); err != nil {
		return err
	}
	for _, st := range stages {
		if st.Semantics == "S" {
			if st.StatusID == inv.StageID {
				return nil
			}
			_, err := cl.ItemUpdate(ctx, SmartInvoiceType, bitrix.ID(j.InvoiceID), map[string]any{"stageId": st.StatusID})
			return err
		}
	}
	return outbox.Permanent(fmt.Errorf("invoice pipeline %d has no paid stage", inv.CategoryID))
}
