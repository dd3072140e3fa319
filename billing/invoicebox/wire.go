package invoicebox

import "encoding/json"

// Wire shapes of Invoicebox JSON; field names are case-sensitive.

type customerWire struct {
	Type                      string `json:"type,omitempty"`
	Name                      string `json:"name,omitempty"`
	Phone                     string `json:"phone,omitempty"`
	Email                     string `json:"email,omitempty"`
	VatNumber                 string `json:"vatNumber,omitempty"`
	TaxRegistrationReasonCode string `json:"taxRegistrationReasonCode,omitempty"`
	RegistrationAddress       string `json:"registrationAddress,omitempty"`
}

type basketItemWire struct {
	SKU            string   `json:"sku"`
	Name           string   `json:"name"`
	Measure        string   `json:"measure"`
	MeasureCode    string   `json:"measureCode"`
	Quantity       quantity `json:"quantity"`
	Amount         rubles   `json:"amount"`
	AmountWoVat    rubles   `json:"amountWoVat"`
	TotalAmount    rubles   `json:"totalAmount"`
	TotalVatAmount rubles   `json:"totalVatAmount"`
	VatCode        string   `json:"vatCode"`
	Type           string   `json:"type"`
	PaymentType    string   `json:"paymentType"`
	ServiceDate    string   `json:"serviceDate,omitempty"`
}

type invoiceSettingWire struct {
	CustomerLocked bool `json:"customerLocked"`
}

type createOrderRequest struct {
	MerchantID             string              `json:"merchantId"`
	MerchantOrderID        string              `json:"merchantOrderId"`
	MerchantOrderIDVisible string              `json:"merchantOrderIdVisible,omitempty"`
	Description            string              `json:"description"`
	Amount                 rubles              `json:"amount"`
	VatAmount              rubles              `json:"vatAmount"`
	CurrencyID             string              `json:"currencyId"`
	LanguageID             string              `json:"languageId,omitempty"`
	ExpirationDate         string              `json:"expirationDate"`
	BasketItems            []basketItemWire    `json:"basketItems"`
	Customer               customerWire        `json:"customer"`
	NotificationURL        string              `json:"notificationUrl,omitempty"`
	SuccessURL             string              `json:"successUrl,omitempty"`
	FailURL                string              `json:"failUrl,omitempty"`
	ReturnURL              string              `json:"returnUrl,omitempty"`
	InvoiceSetting         *invoiceSettingWire `json:"invoiceSetting,omitempty"`
}

type updateOrderRequest struct {
	Description    string           `json:"description,omitempty"`
	Amount         rubles           `json:"amount"`
	VatAmount      rubles           `json:"vatAmount"`
	ExpirationDate string           `json:"expirationDate,omitempty"`
	BasketItems    []basketItemWire `json:"basketItems"`
}

type orderWire struct {
	ID               string `json:"id"`
	MerchantID       string `json:"merchantId"`
	MerchantOrderID  string `json:"merchantOrderId"`
	OrderContainerID string `json:"orderContainerId"`
	Status           string `json:"status"`
	Amount           rubles `json:"amount"`
	VatAmount        rubles `json:"vatAmount"`
	CurrencyID       string `json:"currencyId"`
	PaymentURL       string `json:"paymentUrl"`
	CreatedAt        string `json:"createdAt"`
	ExpirationDate   string `json:"expirationDate"`
	PaidAt           string `json:"paidAt"`
}

func (w orderWire) order(requestID string) Order {
	return Order{
		ID:              w.ID,
		MerchantID:      w.MerchantID,
		MerchantOrderID: w.MerchantOrderID,
		ContainerID:     w.OrderContainerID,
		Status:          OrderStatus(w.Status),
		Amount:          w.Amount.dec(),
		VATAmount:       w.VatAmount.dec(),
		Currency:        w.CurrencyID,
		PaymentURL:      w.PaymentURL,
		CreatedAt:       parseTime(w.CreatedAt),
		ExpiresAt:       parseTime(w.ExpirationDate),
		PaidAt:          parseTime(w.PaidAt),
		RequestID:       requestID,
	}
}

type refundOrderRequest struct {
	ParentID        string           `json:"parentId"`
	MerchantOrderID string           `json:"merchantOrderId"`
	Description     string           `json:"description"`
	Amount          rubles           `json:"amount"`
	VatAmount       rubles           `json:"vatAmount"`
	BasketItems     []basketItemWire `json:"basketItems"`
}

type refundWire struct {
	ID              string `json:"id"`
	ParentID        string `json:"parentId"`
	MerchantOrderID string `json:"merchantOrderId"`
	MerchantID      string `json:"merchantId"`
	Amount          rubles `json:"amount"`
	VatAmount       rubles `json:"vatAmount"`
	CurrencyID      string `json:"currencyId"`
	CreatedAt       string `json:"createdAt"`
	Status          string `json:"status"`
}

type errorEnvelope struct {
	Error *struct {
		Message string       `json:"message"`
		Code    string       `json:"code"`
		Fields  []FieldError `json:"fields"`
	} `json:"error"`
}

type dataEnvelope struct {
	Data json.RawMessage `json:"data"`
}
