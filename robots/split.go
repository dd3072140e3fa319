package robots

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"b24pay/bitrix"
	"b24pay/instalment"
	"b24pay/outbox"
	"b24pay/schedules"
)

// plan is a split ready to be made: the invoice, its parts and the owner whose schedule they join.
type plan struct {
	src   *source
	parts []schedules.Part
	owner *instalment.Owner // nil when the invoice belongs to no deal or lead
}

// handleSplit runs one stored split to its end; every step is safe to repeat after a crash.
func (s *Service) handleSplit(ctx context.Context, job outbox.Job) error {
	run, err := s.jobRun(ctx, job)
	if err != nil {
		return err
	}
	if run.Status != RunPending {
		return nil
	}
	var in Input
	if err := json.Unmarshal([]byte(run.Input), &in); err != nil {
		return outbox.Permanent(err)
	}
	cl, err := s.clients.For(ctx, run.MemberID)
	if err != nil {
		return err
	}
	ids, err := s.execute(ctx, cl, run, in)
	var ue *UserError
	if errors.As(err, &ue) {
		return s.finish(ctx, run, RunFailed, ue.Text)
	}
	if err != nil {
		return err
	}
	run.PartIDs = joinIDs(ids)
	return s.finish(ctx, run, RunDone, "")
}

func (s *Service) execute(ctx context.Context, cl *bitrix.Client, run *Run, in Input) ([]int64, error) {
	if run.InvoiceID == 0 {
		id, err := resolveInvoice(ctx, cl, run.Document)
		if err != nil {
			return nil, err
		}
		if err := s.db.WithContext(ctx).Model(&Run{}).Where("id = ?", run.ID).Update("invoice_id", id).Error; err != nil {
			return nil, err
		}
		run.InvoiceID = id
	}
	src, err := s.runSource(ctx, cl, run)
	if err != nil {
		return nil, err
	}
	p, err := s.cut(ctx, run.MemberID, src, in, s.key(run))
	if err != nil {
		return nil, err
	}
	ids, err := s.ensureParts(ctx, cl, run, p)
	if err != nil {
		return nil, err
	}
	if err := s.joinSchedule(ctx, run, p, in, ids); err != nil {
		return nil, err
	}
	if err := moveOriginal(ctx, cl, p.src, in.Stage); err != nil {
		return nil, err
	}
	return ids, s.comment(ctx, cl, run, p, ids)
}

// key names a split for xmlIds and the schedule's plan: the invoice and a hash of the event token.
func (s *Service) key(run *Run) string {
	sum := sha256.Sum256([]byte(run.MemberID + "|" + run.EventToken))
	return fmt.Sprintf("%s%d-%s", partPrefix, run.InvoiceID, hex.EncodeToString(sum[:6]))
}

// resolveInvoice finds the invoice of the document: the smart invoice itself, or the only invoice
// of a deal that is not one of our own (parts and instalment invoices carry a b24pay- xmlId).
func resolveInvoice(ctx context.Context, cl *bitrix.Client, doc string) (int64, error) {
	t, err := bitrix.ParseDocumentID(doc)
	if err != nil {
		return 0, userErrorf("Неизвестный документ «%s».", doc)
	}
	if t.EntityTypeID == SmartInvoiceType {
		return int64(t.ID), nil
	}
	var found []int64
	err = cl.ItemList(ctx, SmartInvoiceType, map[string]any{"=parentId2": t.ID}, []string{"id", "xmlId"}, func(it *bitrix.Item) error {
		var f struct {
			XMLID string `json:"xmlId"`
		}
		_ = it.Decode(&f)
		if !strings.HasPrefix(f.XMLID, "b24pay-") {
			found = append(found, int64(it.ID))
		}
		return nil
	})
	if err != nil {
		return 0, bitrixProblem(err, fmt.Sprintf("найти счета сделки №%d", t.ID))
	}
	switch len(found) {
	case 0:
		return 0, userErrorf("У сделки №%d нет счёта, который можно разделить.", t.ID)
	case 1:
		return found[0], nil
	}
	return 0, userErrorf("У сделки №%d несколько счетов (%s): укажите в настройках робота «Номер счёта».", t.ID, joinIDs(found))
}

// prepare reads and checks the invoice and cuts it into parts (nothing is written); wantDeal, when
// set, is the deal the invoice must belong to.
func (s *Service) prepare(ctx context.Context, cl *bitrix.Client, memberID string, invoiceID, wantDeal int64, in Input, key string) (*plan, error) {
	src, err := loadChecked(ctx, cl, invoiceID, wantDeal)
	if err != nil {
		return nil, err
	}
	return s.cut(ctx, memberID, src, in, key)
}

// runSource is the invoice as the run first read it: the snapshot stored before the first part
// is made, so a retry cuts the same parts even if the invoice was edited in between.
func (s *Service) runSource(ctx context.Context, cl *bitrix.Client, run *Run) (*source, error) {
	if run.Snapshot != "" {
		var src source
		return &src, json.Unmarshal([]byte(run.Snapshot), &src)
	}
	deal := dealOf(run.Document)
	src, err := loadChecked(ctx, cl, run.InvoiceID, deal)
	if errors.Is(err, ErrNotFound) {
		return nil, userErrorf("Счёт №%d не относится к сделке №%d — проверьте «Номер счёта» в настройках робота.", run.InvoiceID, deal)
	}
	if err != nil {
		return nil, err
	}
	snap, err := json.Marshal(src)
	if err != nil {
		return nil, err
	}
	run.Snapshot = string(snap)
	return src, s.db.WithContext(ctx).Model(&Run{}).Where("id = ?", run.ID).Update("snapshot", run.Snapshot).Error
}

// cut checks the owner can take the parts as its schedule and splits the invoice.
func (s *Service) cut(ctx context.Context, memberID string, src *source, in Input, key string) (*plan, error) {
	var err error
	p := &plan{src: src}
	switch {
	case src.DealID > 0:
		p.owner = &instalment.Owner{MemberID: memberID, Type: "deal", ID: src.DealID}
	case src.LeadID > 0:
		p.owner = &instalment.Owner{MemberID: memberID, Type: "lead", ID: src.LeadID}
	}
	if p.owner != nil {
		if err := s.instalments.SplitOwnerFree(ctx, *p.owner, key); errors.Is(err, instalment.ErrScheduleExists) {
			return nil, scheduleExists(p.owner)
		} else if err != nil {
			return nil, err
		}
	}
	if len(in.Shares) > 0 {
		p.parts, err = schedules.SplitShares(src.Invoice, in.Shares, in.First, in.Period)
	} else {
		p.parts, err = schedules.Split(src.Invoice, in.Parts, in.First, in.Period)
	}
	if err != nil {
		return nil, splitProblem(err)
	}
	return p, nil
}

func scheduleExists(o *instalment.Owner) error {
	return userErrorf("У %s №%d уже есть график платежей b24pay: части счёта не могут стать его платежами. Удалите график во вкладке «График платежей» и запустите робота снова.",
		map[string]string{"deal": "сделки", "lead": "лида"}[o.Type], o.ID)
}

// splitProblem words the engine's validation errors for the business process.
func splitProblem(err error) error {
	var es schedules.ValidationErrors
	if !errors.As(err, &es) || len(es) == 0 {
		return err
	}
	texts := make([]string, len(es))
	for i, e := range es {
		texts[i] = schedules.MessageRU(e)
	}
	return userErrorf("Счёт нельзя разделить: %s.", strings.Join(texts, "; "))
}

// finish records the run's outcome and queues the answer to the business process in one transaction.
func (s *Service) finish(ctx context.Context, run *Run, status, text string) error {
	now := s.clock.Now()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Run{}).Where("id = ? AND status = ?", run.ID, RunPending).
			Updates(map[string]any{"status": status, "error": text, "part_ids": run.PartIDs, "updated_at": now})
		if res.Error != nil || res.RowsAffected == 0 || run.Source != SourceRobot {
			return res.Error
		}
		return outbox.Enqueue(tx, now, outbox.Message{Topic: TopicReply, MemberID: run.MemberID, Key: TopicReply + ":" + itoa(run.ID),
			Payload: runJob{RunID: run.ID}})
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
