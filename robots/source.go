package robots

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"b24pay/bitrix"
	"b24pay/schedules"
)

// Entity type ids: Bitrix24's smart invoices and deals.
const (
	SmartInvoiceType = 31
	dealType         = 2
)

// source is the invoice being split, as read from Bitrix24 (stored as the run's snapshot).
type source struct {
	ID         int64
	Title      string
	Currency   string
	StageID    string
	Fields     map[string]any // what each part copies: client, deal/lead link, responsible, own company
	DealID     int64
	LeadID     int64
	Invoice    schedules.Invoice
	Total      decimal.Decimal
	ProductIDs []int64 // catalogue product of each line (0 for a free-text row)
}

// invoiceItem is the subset of crm.item.get (entityTypeId 31) we read
// (api-reference/crm/universal/crm-item-get.md).
type invoiceItem struct {
	Title       string      `json:"title"`
	XMLID       string      `json:"xmlId"`
	CurrencyID  string      `json:"currencyId"`
	StageID     string      `json:"stageId"`
	CompanyID   bitrix.ID   `json:"companyId"`
	ContactIDs  []bitrix.ID `json:"contactIds"`
	MyCompanyID bitrix.ID   `json:"mycompanyId"`
	AssignedBy  bitrix.ID   `json:"assignedById"`
	DealID      bitrix.ID   `json:"parentId2"`
	LeadID      bitrix.ID   `json:"parentId1"`
}

// productRow is the subset of a crm.item.productrow.list row we read
// (api-reference/crm/universal/product-rows/crm-item-productrow-list.md): price is per unit,
// with discounts and taxes; taxRate is null for rows without VAT.
type productRow struct {
	ProductID   bitrix.ID        `json:"productId"`
	ProductName string           `json:"productName"`
	Price       decimal.Decimal  `json:"price"`
	Quantity    decimal.Decimal  `json:"quantity"`
	TaxRate     *decimal.Decimal `json:"taxRate"`
}

// loadSource reads the invoice and its product rows. Access problems become the robot's error text.
// With wantDeal set, an invoice of another deal is ErrNotFound (checked before anything else).
func loadSource(ctx context.Context, cl *bitrix.Client, id, wantDeal int64) (*source, error) {
	it, err := cl.ItemGet(ctx, SmartInvoiceType, bitrix.ID(id))
	if err != nil {
		return nil, bitrixProblem(err, fmt.Sprintf("прочитать счёт №%d", id))
	}
	var inv invoiceItem
	if err := it.Decode(&inv); err != nil {
		return nil, fmt.Errorf("crm.item.get %d: %w", id, err)
	}
	if wantDeal != 0 && int64(inv.DealID) != wantDeal {
		return nil, ErrNotFound
	}
	if strings.HasPrefix(inv.XMLID, partPrefix) {
		return nil, userErrorf("Счёт №%d сам является частью разделённого счёта — его не делим (проверьте, что робот не стоит на стадии, с которой начинаются новые счета).", id)
	}
	src := &source{ID: id, Title: inv.Title, Currency: strings.ToUpper(inv.CurrencyID), StageID: inv.StageID,
		DealID: int64(inv.DealID), LeadID: int64(inv.LeadID), Fields: map[string]any{}}
	if src.Currency == "" {
		src.Currency = "RUB"
	}
	copyID := func(name string, v bitrix.ID) {
		if v > 0 {
			src.Fields[name] = v
		}
	}
	copyID("companyId", inv.CompanyID)
	copyID("mycompanyId", inv.MyCompanyID)
	copyID("assignedById", inv.AssignedBy)
	copyID("parentId2", inv.DealID)
	copyID("parentId1", inv.LeadID)
	if len(inv.ContactIDs) > 0 {
		src.Fields["contactIds"] = inv.ContactIDs
	}
	var raw []json.RawMessage // every page: an invoice may have more than 50 rows
	err = cl.Each(ctx, bitrix.ListQuery{Method: "crm.item.productrow.list", IDField: "id", ItemsKey: "productRows",
		Params: map[string]any{"filter": map[string]any{"=ownerType": "SI", "=ownerId": id}}},
		func(row json.RawMessage) error { raw = append(raw, row); return nil })
	if err != nil {
		return nil, bitrixProblem(err, fmt.Sprintf("прочитать товары счёта №%d", id))
	}
	return src, src.readRows(raw)
}

func (src *source) readRows(raw []json.RawMessage) error {
	src.Invoice = schedules.Invoice{Currency: src.Currency}
	cur, err := schedules.LookupCurrency(src.Currency)
	if err != nil {
		return userErrorf("Валюта счёта №%d «%s» не поддерживается.", src.ID, src.Currency)
	}
	src.Total = decimal.Zero
	for i, r := range raw {
		var row productRow
		if err := json.Unmarshal(r, &row); err != nil {
			return fmt.Errorf("product row %d of invoice %d: %w", i+1, src.ID, err)
		}
		l := schedules.Line{Name: row.ProductName, Quantity: row.Quantity, Price: row.Price, VAT: schedules.VATNone}
		if row.TaxRate != nil {
			if l.VAT, err = schedules.ParseVATRate(row.TaxRate.String()); err != nil {
				return userErrorf("Ставка НДС %s %% в строке «%s» не поддерживается: разделить можно строки с НДС 0, 10, 20, 22 %% или без НДС.",
					row.TaxRate.String(), row.ProductName)
			}
		}
		gross := schedules.LineGross(l, cur.Minor)
		if gross.IsZero() {
			continue // a zero row carries no money: there is nothing of it to split
		}
		src.Invoice.Lines = append(src.Invoice.Lines, l)
		src.ProductIDs = append(src.ProductIDs, int64(row.ProductID))
		src.Total = src.Total.Add(gross)
	}
	switch {
	case len(raw) == 0:
		return userErrorf("В счёте №%d нет товарных позиций — делить нечего. Добавьте товары в счёт.", src.ID)
	case !src.Total.IsPositive():
		return userErrorf("Сумма счёта №%d равна нулю — делить нечего.", src.ID)
	}
	return nil
}

// loadChecked reads the invoice and checks its currency against its deal's.
func loadChecked(ctx context.Context, cl *bitrix.Client, id, wantDeal int64) (*source, error) {
	src, err := loadSource(ctx, cl, id, wantDeal)
	if err != nil {
		return nil, err
	}
	return src, checkDealCurrency(ctx, cl, src)
}

// checkDealCurrency refuses an invoice whose currency differs from its deal's: its parts become
// instalments of the deal's schedule, which has one currency (crm.deal.get, CURRENCY_ID).
func checkDealCurrency(ctx context.Context, cl *bitrix.Client, src *source) error {
	if src.DealID == 0 {
		return nil
	}
	raw, err := cl.DealGet(ctx, bitrix.ID(src.DealID))
	if err != nil {
		return bitrixProblem(err, fmt.Sprintf("прочитать сделку №%d", src.DealID))
	}
	var deal struct {
		Currency string `json:"CURRENCY_ID"`
	}
	if err := json.Unmarshal(raw, &deal); err != nil {
		return fmt.Errorf("crm.deal.get %d: %w", src.DealID, err)
	}
	if deal.Currency != "" && !strings.EqualFold(deal.Currency, src.Currency) {
		return userErrorf("Валюты не совпадают: счёт №%d в %s, а сделка №%d в %s. Части счёта должны стать платежами графика сделки в одной валюте.",
			src.ID, src.Currency, src.DealID, strings.ToUpper(deal.Currency))
	}
	return nil
}

// bitrixProblem turns Bitrix24's refusals (no rights, no such object, a value it does not accept)
// into the robot's error text; anything else (network, rate limit, server, tokens) stays an error
// the outbox retries.
func bitrixProblem(err error, action string) error {
	var apiErr *bitrix.APIError
	if !errors.As(err, &apiErr) {
		return err
	}
	desc := apiErr.Description
	if desc == "" {
		desc = apiErr.Code
	}
	switch {
	case errors.Is(err, bitrix.ErrAccessDenied), errors.Is(err, bitrix.ErrInsufficientScope):
		return userErrorf("Нет прав: Битрикс24 не дал %s (%s). Проверьте права пользователя, от имени которого работает приложение.", action, desc)
	case errors.Is(err, bitrix.ErrNotFound):
		return userErrorf("Не удалось %s: Битрикс24 не нашёл объект (%s).", action, desc)
	case errors.Is(err, bitrix.ErrExpiredToken), errors.Is(err, bitrix.ErrInvalidToken), errors.Is(err, bitrix.ErrQueryLimitExceeded):
		return err
	case apiErr.HTTPStatus >= 400 && apiErr.HTTPStatus < 500:
		return userErrorf("Не удалось %s: Битрикс24 ответил «%s».", action, desc)
	}
	return err
}
