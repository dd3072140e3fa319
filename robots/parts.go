package robots

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"b24pay/bitrix"
	"b24pay/instalment"
	"b24pay/schedules"
)

// partPrefix starts the xmlId of every part we create.
const partPrefix = "b24pay-split-"

func partXMLID(key string, k int) string { return fmt.Sprintf("%s-%d", key, k) }

// ensureParts makes the parts that do not exist yet. Parts recorded on the run are skipped; parts
// found in Bitrix24 by their xmlId (made before a crash that lost the bookkeeping) are reused and
// get their product rows again (crm.item.productrow.set replaces, so it is safe to repeat).
func (s *Service) ensureParts(ctx context.Context, cl *bitrix.Client, run *Run, p *plan) ([]int64, error) {
	key := s.key(run)
	ids := run.Parts()
	if len(ids) > len(p.parts) {
		ids = ids[:len(p.parts)]
	}
	if len(ids) == len(p.parts) {
		return ids, nil
	}
	existing, err := existingParts(ctx, cl, key, len(p.parts))
	if err != nil {
		return nil, err
	}
	for k := len(ids); k < len(p.parts); k++ {
		id, err := s.makePart(ctx, cl, p, k, existing[partXMLID(key, k+1)], key)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
		run.PartIDs = joinIDs(ids)
		if err := s.db.WithContext(ctx).Model(&Run{}).Where("id = ?", run.ID).Update("part_ids", run.PartIDs).Error; err != nil {
			return nil, err
		}
		if s.afterPart != nil {
			if err := s.afterPart(run.ID, k+1); err != nil {
				return nil, err
			}
		}
	}
	return ids, nil
}

// existingParts maps the xmlIds of parts already in Bitrix24 to their ids (one crm.item.list).
func existingParts(ctx context.Context, cl *bitrix.Client, key string, n int) (map[string]int64, error) {
	xmls := make([]string, n)
	for k := range xmls {
		xmls[k] = partXMLID(key, k+1)
	}
	out := map[string]int64{}
	err := cl.ItemList(ctx, SmartInvoiceType, map[string]any{"@xmlId": xmls}, []string{"id", "xmlId"}, func(it *bitrix.Item) error {
		var f struct {
			XMLID string `json:"xmlId"`
		}
		if err := it.Decode(&f); err == nil && out[f.XMLID] == 0 {
			out[f.XMLID] = int64(it.ID)
		}
		return nil
	})
	return out, err
}

// makePart creates part k (0-based) unless it exists, and sets its product rows
// (crm.item.add, crm.item.productrow.set; api-reference/crm/universal/crm-item-add.md,
// product-rows/crm-item-productrow-set.md).
func (s *Service) makePart(ctx context.Context, cl *bitrix.Client, p *plan, k int, id int64, key string) (int64, error) {
	part, n := p.parts[k], len(p.parts)
	cur, _ := schedules.LookupCurrency(p.src.Currency)
	if id == 0 {
		fields := map[string]any{"title": fmt.Sprintf("%s — часть %d из %d", p.src.Title, k+1, n), "currencyId": p.src.Currency,
			"opportunity": cur.Plain(part.Total), "isManualOpportunity": "N", "closedate": part.Due.String(),
			"xmlId": partXMLID(key, k+1)}
		for f, v := range p.src.Fields {
			fields[f] = v
		}
		it, err := cl.ItemAdd(ctx, SmartInvoiceType, fields)
		if err != nil {
			return 0, bitrixProblem(err, fmt.Sprintf("создать часть %d из %d", k+1, n))
		}
		id = int64(it.ID)
	}
	if _, err := cl.ProductRowsSet(ctx, "SI", bitrix.ID(id), partRows(p, part, cur)); err != nil {
		return 0, bitrixProblem(err, fmt.Sprintf("записать товары части %d из %d", k+1, n))
	}
	return id, nil
}

// partRows are a part's product rows: each line's share as one unit at the share's gross price,
// VAT included at the line's rate (taxRate null for lines without VAT).
func partRows(p *plan, part schedules.Part, cur schedules.Currency) []map[string]any {
	rows := make([]map[string]any, 0, len(part.Lines))
	for _, l := range part.Lines {
		row := map[string]any{"productName": l.Name, "price": cur.Plain(l.Amount), "quantity": 1, "taxIncluded": "Y"}
		if rate := vatPercent(l.Rate); rate != "" {
			row["taxRate"] = rate
		}
		for i, line := range p.src.Invoice.Lines {
			if line.Name == l.Name && line.VAT == l.Rate && p.src.ProductIDs[i] > 0 {
				row["productId"] = p.src.ProductIDs[i]
				break
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func vatPercent(r schedules.VATRate) string {
	if r == schedules.VATNone {
		return ""
	}
	return string(r)
}

// joinSchedule makes the parts instalments of the deal's (or lead's) schedule.
func (s *Service) joinSchedule(ctx context.Context, run *Run, p *plan, in Input, ids []int64) error {
	if p.owner == nil {
		return nil
	}
	parts := make([]instalment.InvoicePart, len(p.parts))
	for k, part := range p.parts {
		parts[k] = instalment.InvoicePart{Seq: part.N, Due: part.Due, Amount: part.Total, InvoiceID: ids[k]}
	}
	_, err := s.instalments.CreateFromSplit(ctx, instalment.Actor{UserID: run.CreatedBy}, instalment.SplitSchedule{
		Owner: *p.owner, Source: s.key(run), Currency: p.src.Currency, Parts: parts, Remind: in.Remind})
	if errors.Is(err, instalment.ErrScheduleExists) { // a manager made one while the parts were being created
		return scheduleExists(p.owner)
	}
	return err
}

// moveOriginal puts the original invoice on the configured stage (crm.item.update stageId); it is
// never deleted.
func moveOriginal(ctx context.Context, cl *bitrix.Client, src *source, stage string) error {
	if stage == "" || stage == src.StageID {
		return nil
	}
	_, err := cl.ItemUpdate(ctx, SmartInvoiceType, bitrix.ID(src.ID), map[string]any{"stageId": stage})
	if err != nil {
		return bitrixProblem(err, fmt.Sprintf("перевести счёт №%d в стадию «%s»", src.ID, stage))
	}
	return nil
}

// comment writes the original's timeline comment listing the parts, once per run
// (crm.timeline.comment.add is not idempotent: the run remembers it is done).
func (s *Service) comment(ctx context.Context, cl *bitrix.Client, run *Run, p *plan, ids []int64) error {
	if run.Commented {
		return nil
	}
	cur, _ := schedules.LookupCurrency(p.src.Currency)
	lines := make([]string, len(p.parts))
	for k, part := range p.parts {
		lines[k] = fmt.Sprintf("%d. счёт №%d на %s (в т. ч. НДС %s), оплатить до %s", k+1, ids[k], cur.Human(part.Total),
			cur.Human(part.VAT), part.Due.RU())
	}
	text := fmt.Sprintf("Счёт разделён на %d %s на %s:\n%s", len(p.parts), partsWord(len(p.parts)), cur.Human(p.src.Total), strings.Join(lines, "\n"))
	_, err := cl.Call(ctx, "crm.timeline.comment.add", map[string]any{"fields": map[string]any{
		"ENTITY_TYPE": "smart_invoice", "ENTITY_ID": p.src.ID, "COMMENT": text}})
	if err != nil {
		return bitrixProblem(err, fmt.Sprintf("написать комментарий в счёт №%d", p.src.ID))
	}
	run.Commented = true
	return s.db.WithContext(ctx).Model(&Run{}).Where("id = ?", run.ID).Update("commented", true).Error
}

// partsWord is «часть» in the accusative after a number.
func partsWord(n int) string {
	switch n10, n100 := n%10, n%100; {
	case n100 >= 11 && n100 <= 14:
		return "частей"
	case n10 == 1:
		return "часть"
	case n10 >= 2 && n10 <= 4:
		return "части"
	}
	return "частей"
}
