package invoiceboxfake

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

const (
	pathOrder        = "/billing/api/order/order"
	pathFilterOrder  = "/filter/api/order/order"
	pathRefund       = "/billing/api/order/refund-order"
	pathFilterRefund = "/filter/api/order/refund-order"
)

func (s *Server) route(w http.ResponseWriter, r *http.Request, path string) {
	switch {
	case path == pathOrder && r.Method == http.MethodPost:
		s.createOrder(w, r)
	case strings.HasPrefix(path, pathOrder+"/") && strings.HasSuffix(path, refundBasketSuffix) && r.Method == http.MethodGet:
		s.refundBasket(w, strings.TrimSuffix(strings.TrimPrefix(path, pathOrder+"/"), refundBasketSuffix))
	case strings.HasPrefix(path, pathOrder+"/"):
		s.serveOrder(w, r, strings.TrimPrefix(path, pathOrder+"/"))
	case path == pathFilterOrder && r.Method == http.MethodGet:
		s.filterOrders(w, r)
	case path == pathRefund && r.Method == http.MethodPost:
		s.createRefund(w, r)
	case path == pathFilterRefund && r.Method == http.MethodGet:
		s.filterRefunds(w, r)
	default:
		writeError(w, http.StatusNotFound, "", "Not Found")
	}
}

func (s *Server) serveOrder(w http.ResponseWriter, r *http.Request, id string) {
	switch r.Method {
	case http.MethodGet:
		s.getOrder(w, id)
	case http.MethodPut:
		s.updateOrder(w, r, id)
	case http.MethodDelete:
		s.cancelOrder(w, id)
	default:
		writeError(w, http.StatusMethodNotAllowed, "", "Method Not Allowed")
	}
}

type createIn struct {
	MerchantID             string          `json:"merchantId"`
	MerchantOrderID        string          `json:"merchantOrderId"`
	MerchantOrderIDVisible string          `json:"merchantOrderIdVisible"`
	Description            string          `json:"description"`
	Amount                 json.Number     `json:"amount"`
	VatAmount              json.Number     `json:"vatAmount"`
	CurrencyID             string          `json:"currencyId"`
	LanguageID             string          `json:"languageId"`
	ExpirationDate         string          `json:"expirationDate"`
	BasketItems            []basketIn      `json:"basketItems"`
	Customer               json.RawMessage `json:"customer"`
	NotificationURL        string          `json:"notificationUrl"`
	SuccessURL             string          `json:"successUrl"`
	FailURL                string          `json:"failUrl"`
	ReturnURL              string          `json:"returnUrl"`
}

func decodeBody(r *http.Request, v any) *apiErr {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return &apiErr{status: http.StatusBadRequest, message: "Bad Request: " + err.Error()}
	}
	return nil
}

func (s *Server) createOrder(w http.ResponseWriter, r *http.Request) {
	var in createIn
	if err := decodeBody(r, &in); err != nil {
		writeAPIError(w, err)
		return
	}
	s.mu.Lock()
	s.stats.createAttempts[in.MerchantOrderID]++
	s.mu.Unlock()
	o, err := s.checkCreate(in)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.byOurID[in.MerchantOrderID]; dup {
		writeAPIError(w, unprocessable("merchant_order_id_duplicate", "Merchant order id duplicate",
			fieldErr{Name: "merchantOrderId", Code: "duplicate"}))
		return
	}
	o.ID, o.ContainerID = s.newIDLocked(0x7c41), s.newIDLocked(0x7c2f)
	o.Status, o.CreatedAt = "created", s.opts.Now().UTC()
	s.orders[o.ID] = o
	s.byOurID[o.MerchantOrderID] = o.ID
	s.stats.created[o.MerchantOrderID]++
	writeData(w, s.render(o))
}

func (s *Server) checkCreate(in createIn) (*order, *apiErr) {
	if in.MerchantID != s.opts.MerchantID {
		return nil, &apiErr{status: http.StatusForbidden, code: "forbidden", message: "Forbidden"}
	}
	for _, f := range [][2]string{{"merchantOrderId", in.MerchantOrderID}, {"description", in.Description}, {"expirationDate", in.ExpirationDate}} {
		if strings.TrimSpace(f[1]) == "" {
			return nil, invalidField(f[0], "required")
		}
	}
	if len(in.Customer) == 0 || string(in.Customer) == "null" {
		return nil, invalidField("customer", "required")
	}
	if err := checkCustomer(in.Customer); err != nil {
		return nil, err
	}
	if !currencies[in.CurrencyID] {
		return nil, unprocessable("wrong_currency", "Wrong currency", fieldErr{Name: "currencyId", Code: "wrong_value"})
	}
	if in.LanguageID != "" && in.LanguageID != "ru" && in.LanguageID != "en" {
		return nil, unprocessable("language_not_found", "Language not found", fieldErr{Name: "languageId", Code: "wrong_value"})
	}
	exp, err := s.checkExpiration(in.ExpirationDate)
	if err != nil {
		return nil, err
	}
	basket, amount, vat, err := checkTotals(in.BasketItems, in.Amount, in.VatAmount)
	if err != nil {
		return nil, err
	}
	visible := in.MerchantOrderIDVisible
	if visible == "" {
		visible = in.MerchantOrderID
	}
	lang := in.LanguageID
	if lang == "" {
		lang = "ru"
	}
	return &order{
		MerchantOrderID: in.MerchantOrderID, VisibleID: visible, Description: in.Description,
		Amount: amount, VatAmount: vat, Currency: in.CurrencyID, Language: lang, Expiration: exp,
		Basket: basket, Customer: in.Customer, NotificationURL: in.NotificationURL,
		SuccessURL: in.SuccessURL, FailURL: in.FailURL, ReturnURL: in.ReturnURL,
	}, nil
}

func checkCustomer(raw json.RawMessage) *apiErr {
	var c struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(raw, &c) != nil {
		return invalidField("customer", "wrong_value")
	}
	if c.Type != "" && c.Type != "legal" && c.Type != "private" {
		return invalidField("customer.type", "wrong_value")
	}
	return nil
}

func (s *Server) checkExpiration(v string) (time.Time, *apiErr) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil || !t.After(s.opts.Now()) {
		return time.Time{}, unprocessable("wrong_expiration_date", "Wrong expiration date", fieldErr{Name: "expirationDate", Code: "wrong_value"})
	}
	return t, nil
}

// checkTotals validates the basket and that amount and vatAmount are its sums.
func checkTotals(items []basketIn, amountIn, vatIn json.Number) ([]basketItem, decimal.Decimal, decimal.Decimal, *apiErr) {
	amount, err := parseMoney("amount", amountIn)
	if err != nil {
		return nil, decimal.Zero, decimal.Zero, err
	}
	vat, err := parseMoney("vatAmount", vatIn)
	if err != nil {
		return nil, decimal.Zero, decimal.Zero, err
	}
	basket, sum, vatSum, err := checkBasket(items)
	if err != nil {
		return nil, decimal.Zero, decimal.Zero, err
	}
	if !sum.Equal(amount) {
		return nil, decimal.Zero, decimal.Zero, unprocessable("wrong_total_amount", "Calculation Error", fieldErr{Name: "amount", Code: "wrong_value"})
	}
	if !vatSum.Equal(vat) {
		return nil, decimal.Zero, decimal.Zero, unprocessable("wrong_total_vat_amount", "Calculation Error", fieldErr{Name: "vatAmount", Code: "wrong_value"})
	}
	return basket, amount, vat, nil
}

func (s *Server) getOrder(w http.ResponseWriter, id string) {
	s.mu.Lock()
	o, ok := s.orders[id]
	var n []notification
	if ok {
		n = s.refreshAndNotifyLocked(o)
	}
	var body orderJSON
	if ok {
		body = s.render(o)
	}
	s.mu.Unlock()
	s.dispatch(n...)
	if !ok {
		writeError(w, http.StatusNotFound, "", "Order not found")
		return
	}
	writeData(w, body)
}

type updateIn struct {
	Description    string          `json:"description"`
	Amount         json.Number     `json:"amount"`
	VatAmount      json.Number     `json:"vatAmount"`
	ExpirationDate string          `json:"expirationDate"`
	BasketItems    []basketIn      `json:"basketItems"`
	Customer       json.RawMessage `json:"customer"`
}

func (s *Server) updateOrder(w http.ResponseWriter, r *http.Request, id string) {
	var in updateIn
	if err := decodeBody(r, &in); err != nil {
		writeAPIError(w, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if !ok {
		writeError(w, http.StatusNotFound, "", "Order not found")
		return
	}
	s.refreshLocked(o)
	if o.Status != "created" {
		writeAPIError(w, unprocessable("wrong_order_status", "Wrong order status"))
		return
	}
	if err := s.applyUpdate(o, in); err != nil {
		writeAPIError(w, err)
		return
	}
	writeData(w, s.render(o))
}

// applyUpdate changes the order only when the whole update is valid.
func (s *Server) applyUpdate(o *order, in updateIn) *apiErr {
	next := *o
	if in.Amount != "" || in.VatAmount != "" || in.BasketItems != nil {
		basket, amount, vat, err := checkTotals(in.BasketItems, in.Amount, in.VatAmount)
		if err != nil {
			return err
		}
		next.Basket, next.Amount, next.VatAmount = basket, amount, vat
	}
	if in.ExpirationDate != "" {
		exp, err := s.checkExpiration(in.ExpirationDate)
		if err != nil {
			return err
		}
		next.Expiration = exp
	}
	if in.Description != "" {
		next.Description = in.Description
	}
	if len(in.Customer) > 0 && string(in.Customer) != "null" {
		if err := checkCustomer(in.Customer); err != nil {
			return err
		}
		next.Customer = in.Customer
	}
	*o = next
	return nil
}

func (s *Server) cancelOrder(w http.ResponseWriter, id string) {
	s.mu.Lock()
	o, ok := s.orders[id]
	if !ok {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "", "Order not found")
		return
	}
	s.refreshLocked(o)
	if o.Status != "created" && o.Status != "hold" {
		s.mu.Unlock()
		writeAPIError(w, unprocessable("wrong_order_status", "Wrong order status"))
		return
	}
	o.Status = "canceled"
	body := s.render(o)
	var n []notification
	if s.opts.NotifyOnCancelAndExpiry {
		n = append(n, s.notificationLocked(o, o.Amount))
	}
	s.mu.Unlock()
	s.dispatch(n...)
	writeData(w, body)
}

func (s *Server) filterOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	var out []orderJSON
	var n []notification
	for _, o := range s.sortedOrdersLocked() {
		n = append(n, s.refreshAndNotifyLocked(o)...)
		if matchOrder(q, o, s.opts.MerchantID) {
			out = append(out, s.render(o))
		}
	}
	s.mu.Unlock()
	s.dispatch(n...)
	if out == nil {
		out = []orderJSON{}
	}
	writeList(w, out, len(out))
}

func matchOrder(q map[string][]string, o *order, merchantID string) bool {
	checks := map[string]string{"id": o.ID, "merchantOrderId": o.MerchantOrderID, "status": o.Status, "merchantId": merchantID}
	for key, have := range checks {
		want, ok := q[key]
		if !ok {
			want, ok = q[key+"[]"]
		}
		if ok && !contains(want, have) {
			return false
		}
	}
	return true
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (s *Server) sortedOrdersLocked() []*order {
	list := make([]*order, 0, len(s.orders))
	for _, o := range s.orders {
		list = append(list, o)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list
}

func (s *Server) refreshAndNotifyLocked(o *order) []notification {
	if s.refreshLocked(o) && s.opts.NotifyOnCancelAndExpiry {
		return []notification{s.notificationLocked(o, o.Amount)}
	}
	return nil
}
