package robots

import (
	"context"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"b24pay/bitrix"
	"b24pay/schedules"
)

// InvoiceSummary is one invoice of a deal the tab offers to split.
type InvoiceSummary struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// DealInvoices lists the deal's smart invoices that are not our own parts or instalment invoices.
func (s *Service) DealInvoices(ctx context.Context, memberID string, dealID int64) ([]InvoiceSummary, error) {
	cl, err := s.clients.For(ctx, memberID)
	if err != nil {
		return nil, err
	}
	out := []InvoiceSummary{}
	err = cl.ItemList(ctx, SmartInvoiceType, map[string]any{"=parentId2": dealID},
		[]string{"id", "title", "opportunity", "currencyId", "xmlId"}, func(it *bitrix.Item) error {
			var f struct {
				Title       string          `json:"title"`
				Opportunity decimal.Decimal `json:"opportunity"`
				Currency    string          `json:"currencyId"`
				XMLID       string          `json:"xmlId"`
			}
			if err := it.Decode(&f); err != nil || strings.HasPrefix(f.XMLID, "b24pay-") {
				return err
			}
			out = append(out, InvoiceSummary{ID: int64(it.ID), Title: f.Title, Amount: f.Opportunity.StringFixed(2), Currency: f.Currency})
			return nil
		})
	return out, err
}

// PartPreview is one part as the tab previews it.
type PartPreview struct {
	N     int            `json:"n"`
	Due   schedules.Date `json:"due"`
	Total string         `json:"total"`
	VAT   string         `json:"vat"`
	Lines []LinePreview  `json:"lines"`
}

// LinePreview is one product row of a previewed part.
type LinePreview struct {
	Name   string `json:"name"`
	Amount string `json:"amount"`
	VAT    string `json:"vat"`
	Rate   string `json:"rate"`
}

// Preview is what splitting would make, with nothing written.
type Preview struct {
	InvoiceID int64         `json:"invoice_id"`
	Title     string        `json:"title"`
	Currency  string        `json:"currency"`
	Total     string        `json:"total"`
	Parts     []PartPreview `json:"parts"`
}

// TabPreview checks a manager's split of one of the deal's invoices and returns its parts.
func (s *Service) TabPreview(ctx context.Context, memberID string, dealID int64, f Form) (*Preview, error) {
	p, _, err := s.tabPlan(ctx, memberID, dealID, f)
	if err != nil {
		return nil, err
	}
	cur, _ := schedules.LookupCurrency(p.src.Currency)
	out := &Preview{InvoiceID: p.src.ID, Title: p.src.Title, Currency: cur.Code, Total: cur.Plain(p.src.Total)}
	for _, part := range p.parts {
		pp := PartPreview{N: part.N, Due: part.Due, Total: cur.Plain(part.Total), VAT: cur.Plain(part.VAT), Lines: []LinePreview{}}
		for _, l := range part.Lines {
			pp.Lines = append(pp.Lines, LinePreview{Name: l.Name, Amount: cur.Plain(l.Amount), VAT: cur.Plain(l.VAT), Rate: string(l.Rate)})
		}
		out.Parts = append(out.Parts, pp)
	}
	return out, nil
}

// StartFromTab checks the split like TabPreview and queues it; key (chosen by the page for this
// preview) makes a double click or a repeated request start one split only.
func (s *Service) StartFromTab(ctx context.Context, memberID string, dealID, userID int64, key string, f Form) (int64, error) {
	if key = strings.TrimSpace(key); key == "" || len(key) > 100 {
		return 0, userErrorf("Нет ключа запроса — обновите вкладку.")
	}
	_, in, err := s.tabPlan(ctx, memberID, dealID, f)
	if err != nil {
		return 0, err
	}
	run := Run{MemberID: memberID, EventToken: fmt.Sprintf("tab:%d:%s", dealID, key), Source: SourceTab,
		Document: fmt.Sprintf("DEAL_%d", dealID), CreatedBy: userID}
	return s.accept(ctx, run, in)
}

// TabRun returns a split of the deal (ErrNotFound for another portal's or deal's).
func (s *Service) TabRun(ctx context.Context, memberID string, dealID, id int64) (*Run, error) {
	r, err := s.Get(ctx, memberID, id)
	if err != nil {
		return nil, err
	}
	if r.Document != fmt.Sprintf("DEAL_%d", dealID) {
		return nil, ErrNotFound
	}
	return r, nil
}

// tabPlan validates the form and prepares the split of an invoice that must belong to the deal.
func (s *Service) tabPlan(ctx context.Context, memberID string, dealID int64, f Form) (*plan, Input, error) {
	in, err := f.Input(s.Today())
	if err != nil {
		return nil, in, err
	}
	if in.InvoiceID == 0 {
		return nil, in, userErrorf("Выберите счёт, который нужно разделить.")
	}
	cl, err := s.clients.For(ctx, memberID)
	if err != nil {
		return nil, in, err
	}
	p, err := s.prepare(ctx, cl, memberID, in.InvoiceID, dealID, in, "")
	return p, in, err
}
