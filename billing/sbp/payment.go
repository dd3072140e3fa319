package sbp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/shopspring/decimal"
)

// PaymentStatus is the state of a payment by QR (payment-info and callbacks).
type PaymentStatus string

const (
	PaymentSuccess    PaymentStatus = "SUCCESS"
	PaymentDeclined   PaymentStatus = "DECLINED"
	PaymentInProgress PaymentStatus = "IN_PROGRESS"
	// PaymentNoInfo: nothing paid yet.
	PaymentNoInfo PaymentStatus = "NO_INFO"
)

// Final reports whether the status will not change any more. Unknown values are not final.
func (s PaymentStatus) Final() bool { return s == PaymentSuccess || s == PaymentDeclined }

// Known reports whether the bank documents this value.
func (s PaymentStatus) Known() bool {
	switch s {
	case PaymentSuccess, PaymentDeclined, PaymentInProgress, PaymentNoInfo:
		return true
	}
	return false
}

// PaymentInfo is the bank's view of the payment for a QR.
type PaymentInfo struct {
	QRID            string
	SBPMerchantID   string
	MerchantID      int64
	OrderID         string
	Amount          decimal.Decimal
	Currency        string
	Status          PaymentStatus
	TransactionID   int64     // needed for static-QR refunds; zero if none yet
	TransactionDate time.Time // zero if none yet
	CreatedAt       time.Time
	ExpiresAt       time.Time
	Purpose         string
	AdditionalInfo  string
}

type paymentInfoAnswer struct {
	QRID             string        `json:"qrId"`
	SBPMerchantID    string        `json:"sbpMerchantId"`
	MerchantID       int64         `json:"merchantId"`
	Order            string        `json:"order"`
	Amount           rubles        `json:"amount"`
	Currency         string        `json:"currency"`
	PaymentStatus    PaymentStatus `json:"paymentStatus"`
	TransactionID    int64         `json:"transactionId"`
	TransactionDate  string        `json:"transactionDate"`
	CreateDate       string        `json:"createDate"`
	QRExpirationDate string        `json:"qrExpirationDate"`
	PaymentPurpose   string        `json:"paymentPurpose"`
	AdditionalInfo   *string       `json:"additionalInfo"`
}

// PaymentInfo polls the payment for a QR (GET /api/sbp/v1/qr/{qrId}/payment-info).
func (cl *Client) PaymentInfo(ctx context.Context, qrID string) (PaymentInfo, error) {
	if err := checkQRID(qrID); err != nil {
		return PaymentInfo{}, err
	}
	var ans paymentInfoAnswer
	path := "/api/sbp/v1/qr/" + url.PathEscape(qrID) + "/payment-info"
	if err := cl.do(ctx, call{op: "payment info", method: http.MethodGet, path: path, auth: true}, &ans); err != nil {
		return PaymentInfo{}, err
	}
	if ans.PaymentStatus == "" {
		return PaymentInfo{}, fmt.Errorf("%w: payment info: no paymentStatus", ErrBadResponse)
	}
	return ans.toPaymentInfo()
}

func (a paymentInfoAnswer) toPaymentInfo() (PaymentInfo, error) {
	p := PaymentInfo{
		QRID: a.QRID, SBPMerchantID: a.SBPMerchantID, MerchantID: a.MerchantID, OrderID: a.Order,
		Amount: decimal.Decimal(a.Amount), Currency: a.Currency, Status: a.PaymentStatus,
		TransactionID: a.TransactionID, Purpose: a.PaymentPurpose,
	}
	if a.AdditionalInfo != nil {
		p.AdditionalInfo = *a.AdditionalInfo
	}
	var err error
	if p.TransactionDate, err = parseWireTime(a.TransactionDate); err != nil {
		return PaymentInfo{}, fmt.Errorf("%w: payment info: transactionDate: %v", ErrBadResponse, err)
	}
	p.CreatedAt, _ = parseWireTime(a.CreateDate)
	p.ExpiresAt, _ = parseWireTime(a.QRExpirationDate)
	return p, nil
}
