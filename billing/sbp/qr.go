package sbp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/shopspring/decimal"
)

// QRStatus is the state of a registered QR (GET /api/sbp/v2/qrs/{qrId}).
type QRStatus string

const (
	QRNew        QRStatus = "NEW"
	QRInProgress QRStatus = "IN_PROGRESS"
	QRPaid       QRStatus = "PAID"
	QRExpired    QRStatus = "EXPIRED"
	QRCancelled  QRStatus = "CANCELLED"
)

// Final reports whether the QR can no longer change state.
func (s QRStatus) Final() bool { return s == QRPaid || s == QRExpired || s == QRCancelled }

// wireTime is the bank's date format: ISO 8601 with a numeric offset.
const wireTime = "2006-01-02T15:04:05-07:00"

// moscow is Europe/Moscow without tzdata (UTC+3, no DST since 2014).
var moscow = time.FixedZone("MSK", 3*60*60)

// RegisterQRInput is a dynamic QR for one payable.
type RegisterQRInput struct {
	// OrderID is our payment id, unique at the bank: 1..40 of A-Z a-z 0-9 - _ .
	OrderID string
	// Amount in rubles, positive, whole kopecks.
	Amount decimal.Decimal
	// ExpiresAt is when the QR stops being payable; zero leaves the bank's default (72 h).
	ExpiresAt time.Time
	// Purpose is the payment purpose (paymentDetails), ≤ 185 characters.
	Purpose string
	// AdditionalInfo may be shown to the payer by their bank, ≤ 140 characters.
	AdditionalInfo string
	// Account is a 20-digit settlement account, if payments must land on a specific one.
	Account string
	// Binding, when set, also offers the payer to bind their account (pay-and-bind, §b.2/§b.8):
	// after paying they may agree to later debits by binding ID. Needs bank-side enablement.
	Binding *BindingOffer
}

// BindingOffer is the `subscription` object of a pay-and-bind QR (sbp_subscriptions.yml, QRDynamic).
type BindingOffer struct {
	ID      string `json:"id"`      // our binding id: 1..40 of A-Z a-z 0-9 - _ .
	Purpose string `json:"purpose"` // shown in the payer's bank app, ≤ 185 characters
}

// Validate checks the input against the bank's documented limits.
func (in RegisterQRInput) Validate() error {
	return errors.Join(
		checkOrderID("order id", in.OrderID),
		checkPayable(in.Amount),
		checkTextLen("purpose", in.Purpose, maxPurposeLen),
		checkTextLen("additional info", in.AdditionalInfo, maxAdditionalInfoLen),
		checkAccount(in.Account),
		in.Binding.validate(),
	)
}

func (o *BindingOffer) validate() error {
	if o == nil {
		return nil
	}
	return errors.Join(checkOrderID("binding id", o.ID), checkPurpose(o.Purpose))
}

func checkPurpose(p string) error {
	if p == "" {
		return fmt.Errorf("%w: binding purpose is required", ErrInvalidRequest)
	}
	return checkTextLen("binding purpose", p, maxPurposeLen)
}

func checkAccount(a string) error {
	if a == "" {
		return nil
	}
	if len(a) != 20 {
		return fmt.Errorf("%w: account must be 20 digits", ErrInvalidRequest)
	}
	for i := 0; i < len(a); i++ {
		if a[i] < '0' || a[i] > '9' {
			return fmt.Errorf("%w: account must be 20 digits", ErrInvalidRequest)
		}
	}
	return nil
}

// QR is a registered QR: show Payload as a QR image (QRPNG) or open it as a link on a phone.
type QR struct {
	ID       string // NSPK QRC ID (qrId)
	Payload  string // the NSPK payment link
	ImageURL string // a PNG served by the bank (qrUrl)
}

type registerQRRequest struct {
	QRType           string        `json:"qrType"`
	SBPMerchantID    string        `json:"sbpMerchantId"`
	Order            string        `json:"order"`
	Amount           rubles        `json:"amount"`
	Currency         string        `json:"currency"`
	PaymentDetails   string        `json:"paymentDetails,omitempty"`
	AdditionalInfo   string        `json:"additionalInfo,omitempty"`
	Account          string        `json:"account,omitempty"`
	QRExpirationDate string        `json:"qrExpirationDate,omitempty"`
	Subscription     *BindingOffer `json:"subscription,omitempty"`
}

type qrAnswer struct {
	QRID             string   `json:"qrId"`
	QRStatus         QRStatus `json:"qrStatus"`
	QRExpirationDate string   `json:"qrExpirationDate"`
	Payload          string   `json:"payload"`
	QRURL            string   `json:"qrUrl"`
}

// RegisterQR registers a dynamic QR (POST /api/sbp/v1/qr/register).
//
// On ErrUnknownOutcome the bank may hold a QR the payer never saw; registering the same OrderID
// again is then safe (the bank refuses it with ErrAlreadyPaid only once the order has a successful
// payment), and the core should cancel any QR it later learns of and no longer shows.
func (cl *Client) RegisterQR(ctx context.Context, in RegisterQRInput) (QR, error) {
	if err := in.Validate(); err != nil {
		return QR{}, err
	}
	req := registerQRRequest{
		QRType: "QRDynamic", SBPMerchantID: cl.cfg.SBPMerchantID, Order: in.OrderID,
		Amount: rubles(in.Amount), Currency: "RUB", PaymentDetails: in.Purpose,
		AdditionalInfo: in.AdditionalInfo, Account: in.Account, Subscription: in.Binding,
	}
	if !in.ExpiresAt.IsZero() {
		req.QRExpirationDate = in.ExpiresAt.In(moscow).Format(wireTime)
	}
	var ans qrAnswer
	err := cl.do(ctx, call{op: "register QR", method: http.MethodPost, path: "/api/sbp/v1/qr/register",
		body: req, mutating: true}, &ans)
	if err != nil {
		return QR{}, err
	}
	if ans.QRID == "" || ans.Payload == "" {
		return QR{}, fmt.Errorf("%w: register QR: no qrId or payload", ErrBadResponse)
	}
	if err := CheckPayload(ans.Payload, ans.QRID, in.Amount); err != nil {
		// Not fatal: the link format is inferred and sandboxes return placeholder links.
		cl.cfg.Logger.WarnContext(ctx, "sbp payload does not check out", "order", in.OrderID, "qr_id", ans.QRID, "error", err.Error())
	}
	return QR{ID: ans.QRID, Payload: ans.Payload, ImageURL: ans.QRURL}, nil
}

// QRInfo is the bank's view of a QR.
type QRInfo struct {
	QR
	Status QRStatus
	// ExpiresAt is zero if the bank did not say.
	ExpiresAt time.Time
}

// QRState reads a QR's state (GET /api/sbp/v2/qrs/{qrId}).
func (cl *Client) QRState(ctx context.Context, qrID string) (QRInfo, error) {
	if err := checkQRID(qrID); err != nil {
		return QRInfo{}, err
	}
	var ans qrAnswer
	err := cl.do(ctx, call{op: "QR state", method: http.MethodGet, path: qrPath(qrID), auth: true}, &ans)
	if err != nil {
		return QRInfo{}, err
	}
	if ans.QRStatus == "" {
		return QRInfo{}, fmt.Errorf("%w: QR state: no qrStatus", ErrBadResponse)
	}
	info := QRInfo{QR: QR{ID: ans.QRID, Payload: ans.Payload, ImageURL: ans.QRURL}, Status: ans.QRStatus}
	info.ExpiresAt, _ = parseWireTime(ans.QRExpirationDate)
	return info, nil
}

// CancelQR cancels a QR that is not paid yet (DELETE /api/sbp/v2/qrs/{qrId}).
// Whatever the answer, confirm the final state with QRState or PaymentInfo before moving on:
// the payer may have paid a moment before.
func (cl *Client) CancelQR(ctx context.Context, qrID string) error {
	if err := checkQRID(qrID); err != nil {
		return err
	}
	return cl.do(ctx, call{op: "cancel QR", method: http.MethodDelete, path: qrPath(qrID),
		auth: true, mutating: true}, nil)
}

func qrPath(qrID string) string { return "/api/sbp/v2/qrs/" + url.PathEscape(qrID) }

func checkQRID(id string) error {
	if id == "" || len(id) > 32 {
		return fmt.Errorf("%w: qrId must be 1..32 characters", ErrInvalidRequest)
	}
	return nil
}

// parseWireTime reads the bank's dates (with or without fractional seconds); empty is zero.
func parseWireTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}
