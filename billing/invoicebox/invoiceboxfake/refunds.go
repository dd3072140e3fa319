package invoiceboxfake

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

type refund struct {
	ID              string
	ParentID        string
	MerchantOrderID string
	Description     string
	Amount          decimal.Decimal
	VatAmount       decimal.Decimal
	Currency        string
	Basket          []basketItem
	Status          string
	CreatedAt       time.Time
}

type refundJSON struct {
	ID              string       `json:"id"`
	ParentID        string       `json:"parentId"`
	MerchantOrderID string       `json:"merchantOrderId"`
	MerchantID      string       `json:"merchantId"`
	Description     string       `json:"description"`
	Amount          money        `json:"amount"`
	VatAmount       money        `json:"vatAmount"`
	CurrencyID      string       `json:"currencyId"`
	BasketItems     []basketItem `json:"basketItems"`
	CreatedAt       string       `json:"createdAt"`
	Status          string       `json:"status"`
}

func (s *Server) renderRefund(r *refund) refundJSON {
	return refundJSON{
		ID: r.ID, ParentID: r.ParentID, MerchantOrderID: r.MerchantOrderID, MerchantID: s.opts.MerchantID,
		Description: r.Description, Amount: money(r.Amount), VatAmount: money(r.VatAmount),
		CurrencyID: r.Currency, BasketItems: r.Basket, CreatedAt: r.CreatedAt.UTC().Format(atom), Status: r.Status,
	}
}

type refundIn struct {
	ParentID        string      `json:"parentId"`
	MerchantOrderID string      `json:"merchantOrderId"`
	Description     string      `json:"description"`
	Amount          json.Number `json:"amount"`
	VatAmount       json.Number `json:"vatAmount"`
	BasketItems     []basketIn  `json:"basketItems"`
	Status          string      `json:"status"`
}

func (s *Server) createRefund(w http.ResponseWriter, r *http.Request) {
	var in refundIn
	if err := decodeBody(r, &in); err != nil {
		writeAPIError(w, err)
		return
	}
	for _, f := range [][2]string{{"parentId", in.ParentID}, {"merchantOrderId", in.MerchantOrderID}, {"description", in.Description}} {
		if strings.TrimSpace(f[1]) == "" {
			writeAPIError(w, invalidField(f[0], "required"))
			return
		}
	}
	basket, amount, vat, err := checkTotals(in.BasketItems, in.Amount, in.VatAmount)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rf, err := s.addRefundLocked(in, basket, amount, vat)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeData(w, s.renderRefund(rf))
}

func (s *Server) addRefundLocked(in refundIn, basket []basketItem, amount, vat decimal.Decimal) (*refund, *apiErr) {
	parent, ok := s.orders[in.ParentID]
	if !ok {
		return nil, &apiErr{status: http.StatusNotFound, message: "Order not found"}
	}
	if parent.Status != "completed" {
		return nil, unprocessable("wrong_order_status", "Wrong order status")
	}
	if _, dup := s.byOurID[in.MerchantOrderID]; dup {
		return nil, unprocessable("merchant_order_id_duplicate", "Merchant order id duplicate",
			fieldErr{Name: "merchantOrderId", Code: "duplicate"})
	}
	if amount.GreaterThan(s.refundableLocked(parent)) {
		return nil, unprocessable("wrong_total_amount", "Refund exceeds the refundable amount",
			fieldErr{Name: "amount", Code: "wrong_value"})
	}
	if err := s.checkRefundLinesLocked(parent, basket); err != nil {
		return nil, err
	}
	status := "created"
	if in.Status == "draft" {
		status = "draft"
	}
	rf := &refund{
		ID: s.newIDLocked(0x7e7f), ParentID: parent.ID, MerchantOrderID: in.MerchantOrderID,
		Description: in.Description, Amount: amount, VatAmount: vat, Currency: parent.Currency,
		Basket: basket, Status: status, CreatedAt: s.opts.Now().UTC(),
	}
	s.refunds[rf.ID] = rf
	s.byOurID[rf.MerchantOrderID] = rf.ID
	return rf, nil
}

// refundableLocked is what was paid minus refunds that are not canceled.
func (s *Server) refundableLocked(o *order) decimal.Decimal {
	left := o.PaidAmount
	for _, rf := range s.refunds {
		if rf.ParentID == o.ID && rf.Status != "canceled" {
			left = left.Sub(rf.Amount)
		}
	}
	return left
}

func (s *Server) filterRefunds(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	out := []refundJSON{}
	for _, rf := range s.sortedRefundsLocked() {
		checks := map[string]string{"id": rf.ID, "parentId": rf.ParentID, "status": rf.Status, "merchantOrderId": rf.MerchantOrderID}
		match := true
		for key, have := range checks {
			if want, ok := q[key]; ok && !contains(want, have) {
				match = false
			}
		}
		if match {
			out = append(out, s.renderRefund(rf))
		}
	}
	s.mu.Unlock()
	writeList(w, out, len(out))
}

func (s *Server) sortedRefundsLocked() []*refund {
	list := make([]*refund, 0, len(s.refunds))
	for _, rf := range s.refunds {
		list = append(list, rf)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list
}

// refundBasketSuffix is GET /v3/billing/api/order/order/{id}/refund-basket-item (reference §8.1):
// the paid order's lines with what can still be refunded of each.
const refundBasketSuffix = "/refund-basket-item"

// refundableLine is a paid order's basket line with its refundable remainder.
type refundableLine struct {
	basketItem
	AvailableAmount    money `json:"availableAmount"`
	AvailableVatAmount money `json:"availableVatAmount"`
}

func (s *Server) refundBasket(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if !ok {
		writeError(w, http.StatusNotFound, "", "Order not found")
		return
	}
	if o.Status != "completed" {
		writeAPIError(w, unprocessable("wrong_order_status", "Wrong order status"))
		return
	}
	writeData(w, s.refundableLinesLocked(o))
}

// refundableLinesLocked is each line of the order less what refunds (not canceled) took of it.
func (s *Server) refundableLinesLocked(o *order) []refundableLine {
	out := make([]refundableLine, 0, len(o.Basket))
	for _, line := range o.Basket {
		amount, vat := line.TotalAmount.dec(), line.TotalVatAmount.dec()
		for _, rf := range s.refunds {
			if rf.ParentID != o.ID || rf.Status == "canceled" {
				continue
			}
			for _, back := range rf.Basket {
				if back.SKU == line.SKU {
					amount, vat = amount.Sub(back.TotalAmount.dec()), vat.Sub(back.TotalVatAmount.dec())
				}
			}
		}
		out = append(out, refundableLine{basketItem: line, AvailableAmount: money(amount), AvailableVatAmount: money(vat)})
	}
	return out
}

// checkRefundLinesLocked: a refund names the paid order's lines by their sku and takes no more of
// a line than is still available (reference §8.1–8.2).
func (s *Server) checkRefundLinesLocked(o *order, basket []basketItem) *apiErr {
	available := map[string]decimal.Decimal{}
	for _, l := range s.refundableLinesLocked(o) {
		available[l.SKU] = l.AvailableAmount.dec()
	}
	for _, line := range basket {
		left, ok := available[line.SKU]
		if !ok || line.TotalAmount.dec().GreaterThan(left) {
			return unprocessable("wrong_basket_items", "Refund basket items do not match the order",
				fieldErr{Name: "basketItems", Code: "wrong_value"})
		}
		available[line.SKU] = left.Sub(line.TotalAmount.dec())
	}
	return nil
}
