package invoiceboxfake

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

type basketIn struct {
	SKU            string      `json:"sku"`
	Name           string      `json:"name"`
	Measure        string      `json:"measure"`
	MeasureCode    string      `json:"measureCode"`
	Quantity       json.Number `json:"quantity"`
	Amount         json.Number `json:"amount"`
	AmountWoVat    json.Number `json:"amountWoVat"`
	TotalAmount    json.Number `json:"totalAmount"`
	TotalVatAmount json.Number `json:"totalVatAmount"`
	VatCode        string      `json:"vatCode"`
	Type           string      `json:"type"`
	PaymentType    string      `json:"paymentType"`
	ServiceDate    string      `json:"serviceDate,omitempty"`
}

type basketItem struct {
	SKU            string `json:"sku"`
	Name           string `json:"name"`
	Measure        string `json:"measure"`
	MeasureCode    string `json:"measureCode"`
	Quantity       number `json:"quantity"`
	Amount         money  `json:"amount"`
	AmountWoVat    money  `json:"amountWoVat"`
	TotalAmount    money  `json:"totalAmount"`
	TotalVatAmount money  `json:"totalVatAmount"`
	VatCode        string `json:"vatCode"`
	Type           string `json:"type"`
	PaymentType    string `json:"paymentType"`
	ServiceDate    string `json:"serviceDate,omitempty"`
}

var (
	kopeck       = decimal.New(1, -2)
	itemTypes    = map[string]bool{"service": true, "commodity": true}
	paymentTypes = map[string]bool{"full_prepayment": true, "prepayment": true, "advance": true, "full_payment": true}
	currencies   = map[string]bool{"RUB": true, "USD": true, "EUR": true, "GBP": true, "CNY": true}
)

// checkBasket validates each line's arithmetic (strict round policy) and returns the
// lines with the sums of totals and VAT.
func checkBasket(in []basketIn) ([]basketItem, decimal.Decimal, decimal.Decimal, *apiErr) {
	if len(in) == 0 {
		return nil, decimal.Zero, decimal.Zero, invalidField("basketItems", "required")
	}
	items := make([]basketItem, 0, len(in))
	sum, vat := decimal.Zero, decimal.Zero
	for i, b := range in {
		it, err := checkLine(fmt.Sprintf("basketItems[%d]", i), b)
		if err != nil {
			return nil, decimal.Zero, decimal.Zero, err
		}
		items = append(items, it)
		sum = sum.Add(it.TotalAmount.dec())
		vat = vat.Add(it.TotalVatAmount.dec())
	}
	return items, sum, vat, nil
}

func checkLine(field string, b basketIn) (basketItem, *apiErr) {
	if err := checkLineText(field, b); err != nil {
		return basketItem{}, err
	}
	qty, ok := parseNumber(b.Quantity)
	if !ok || !qty.IsPositive() {
		return basketItem{}, invalidField(field+".quantity", "wrong_value")
	}
	vals := map[string]decimal.Decimal{}
	for _, f := range []struct {
		name string
		n    json.Number
	}{{"amount", b.Amount}, {"amountWoVat", b.AmountWoVat}, {"totalAmount", b.TotalAmount}, {"totalVatAmount", b.TotalVatAmount}} {
		d, err := parseMoney(field+"."+f.name, f.n)
		if err != nil {
			return basketItem{}, err
		}
		vals[f.name] = d
	}
	if err := checkLineSums(field, qty, vals, vatRules[b.VatCode]); err != nil {
		return basketItem{}, err
	}
	return basketItem{
		SKU: b.SKU, Name: b.Name, Measure: b.Measure, MeasureCode: b.MeasureCode,
		Quantity: number(qty), Amount: money(vals["amount"]), AmountWoVat: money(vals["amountWoVat"]),
		TotalAmount: money(vals["totalAmount"]), TotalVatAmount: money(vals["totalVatAmount"]),
		VatCode: b.VatCode, Type: b.Type, PaymentType: b.PaymentType, ServiceDate: b.ServiceDate,
	}, nil
}

func checkLineText(field string, b basketIn) *apiErr {
	for _, f := range [][2]string{{"sku", b.SKU}, {"name", b.Name}, {"measure", b.Measure}, {"measureCode", b.MeasureCode}} {
		if strings.TrimSpace(f[1]) == "" {
			return invalidField(field+"."+f[0], "required")
		}
	}
	if _, ok := vatRules[b.VatCode]; !ok {
		return invalidField(field+".vatCode", "wrong_value")
	}
	if !itemTypes[b.Type] {
		return invalidField(field+".type", "wrong_value")
	}
	if !paymentTypes[b.PaymentType] {
		return invalidField(field+".paymentType", "wrong_value")
	}
	if b.ServiceDate != "" {
		if _, err := time.Parse(time.DateOnly, b.ServiceDate); err != nil {
			return invalidField(field+".serviceDate", "wrong_value")
		}
	}
	return nil
}

func checkLineSums(field string, qty decimal.Decimal, v map[string]decimal.Decimal, rule vatRule) *apiErr {
	total, vat := v["totalAmount"], v["totalVatAmount"]
	if !v["amount"].Mul(qty).Equal(total) {
		return unprocessable("wrong_basket_item_total_amount", "Calculation Error", fieldErr{Name: field + ".totalAmount", Code: "wrong_value"})
	}
	if !rule.added && !includedVAT(total, rule.rate).Equal(vat) {
		return unprocessable("wrong_basket_item_total_vat_amount", "Calculation Error", fieldErr{Name: field + ".totalVatAmount", Code: "wrong_value"})
	}
	if rule.added {
		return nil
	}
	net := v["amount"].Sub(vat.Div(qty))
	if net.Sub(v["amountWoVat"]).Abs().GreaterThan(kopeck) {
		return unprocessable("wrong_basket_item_amount_wo_vat", "Calculation Error", fieldErr{Name: field + ".amountWoVat", Code: "wrong_value"})
	}
	return nil
}

// order is the fake's record of an order.
type order struct {
	ID              string
	ContainerID     string
	MerchantOrderID string
	VisibleID       string
	Description     string
	Amount          decimal.Decimal
	VatAmount       decimal.Decimal
	PaidAmount      decimal.Decimal
	Currency        string
	Language        string
	Expiration      time.Time
	Basket          []basketItem
	Customer        json.RawMessage
	NotificationURL string
	SuccessURL      string
	FailURL         string
	ReturnURL       string
	Status          string
	CreatedAt       time.Time
	PaidAt          time.Time
}

// orderJSON is the order as the API and the notifications render it.
type orderJSON struct {
	ID                     string          `json:"id"`
	Description            string          `json:"description"`
	CurrencyID             string          `json:"currencyId"`
	Amount                 money           `json:"amount"`
	VatAmount              money           `json:"vatAmount"`
	BasketItems            []basketItem    `json:"basketItems"`
	OrderContainerID       string          `json:"orderContainerId"`
	MerchantID             string          `json:"merchantId"`
	Status                 string          `json:"status"`
	Subtype                string          `json:"subtype"`
	CreatedAt              string          `json:"createdAt"`
	MerchantOrderID        string          `json:"merchantOrderId"`
	MerchantOrderIDVisible string          `json:"merchantOrderIdVisible"`
	ExpirationDate         string          `json:"expirationDate"`
	PaidAt                 string          `json:"paidAt,omitempty"`
	FileIDs                []string        `json:"fileIds"`
	PaymentURL             string          `json:"paymentUrl"`
	NotificationURL        string          `json:"notificationUrl,omitempty"`
	SuccessURL             string          `json:"successUrl,omitempty"`
	FailURL                string          `json:"failUrl,omitempty"`
	ReturnURL              string          `json:"returnUrl,omitempty"`
	Customer               json.RawMessage `json:"customer"`
	LanguageID             string          `json:"languageId"`
	Processable            bool            `json:"processable"`
}

const atom = "2006-01-02T15:04:05-07:00"

func (s *Server) render(o *order) orderJSON {
	j := orderJSON{
		ID: o.ID, Description: o.Description, CurrencyID: o.Currency,
		Amount: money(o.Amount), VatAmount: money(o.VatAmount), BasketItems: o.Basket,
		OrderContainerID: o.ContainerID, MerchantID: s.opts.MerchantID, Status: o.Status, Subtype: "order",
		CreatedAt: o.CreatedAt.UTC().Format(atom), MerchantOrderID: o.MerchantOrderID,
		MerchantOrderIDVisible: o.VisibleID, ExpirationDate: o.Expiration.UTC().Format(atom),
		FileIDs: []string{}, PaymentURL: s.opts.PaymentPageURL + o.ContainerID,
		NotificationURL: o.NotificationURL, SuccessURL: o.SuccessURL, FailURL: o.FailURL, ReturnURL: o.ReturnURL,
		Customer: o.Customer, LanguageID: o.Language, Processable: true,
	}
	if !o.PaidAt.IsZero() {
		j.PaidAt = o.PaidAt.UTC().Format(atom)
	}
	if len(j.Customer) == 0 {
		j.Customer = json.RawMessage(`{}`)
	}
	return j
}

// refresh expires an unpaid order whose expiration date has passed; it reports a change.
func (s *Server) refreshLocked(o *order) bool {
	if o.Status == "created" && !s.opts.Now().Before(o.Expiration) {
		o.Status = "expired"
		return true
	}
	return false
}

func (s *Server) newIDLocked(kind int) string {
	s.seq++
	return fmt.Sprintf("0193a1b2-%04x-7000-8000-%012x", kind, s.seq)
}
