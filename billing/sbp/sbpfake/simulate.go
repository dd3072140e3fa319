package sbpfake

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"
)

// Errors of the simulation helpers.
var (
	ErrNoPayableQR    = errors.New("sbpfake: order has no payable QR")
	ErrAmountMismatch = errors.New("sbpfake: amount differs from the QR's amount")
	ErrNoRefund       = errors.New("sbpfake: no such refund in progress")
)

// Payment is what a simulated payer did.
type Payment struct {
	QRID            string
	TransactionID   int64
	TransactionDate string
}

// Pay has a payer pay the order's newest payable QR with amount (which must be the QR's) and
// sends the SUCCESS callback.
func (b *Bank) Pay(order string, amount decimal.Decimal) (Payment, error) {
	return b.settle(order, amount, "SUCCESS")
}

// Decline records a declined payment attempt on the order's newest payable QR (the QR stays
// payable) and sends the DECLINED callback.
func (b *Bank) Decline(order string) (Payment, error) {
	return b.settle(order, decimal.Decimal{}, "DECLINED")
}

// StartPayment puts the order's newest payable QR IN_PROGRESS, without a callback.
func (b *Bank) StartPayment(order string) (Payment, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	q := b.payableQR(order)
	if q == nil {
		return Payment{}, fmt.Errorf("%w: %s", ErrNoPayableQR, order)
	}
	q.payment = b.newPayment("IN_PROGRESS")
	return Payment{QRID: q.id, TransactionID: q.payment.transactionID, TransactionDate: q.payment.date}, nil
}

func (b *Bank) settle(order string, amount decimal.Decimal, status string) (Payment, error) {
	b.mu.Lock()
	q := b.payableQR(order)
	if q == nil {
		b.mu.Unlock()
		return Payment{}, fmt.Errorf("%w: %s", ErrNoPayableQR, order)
	}
	if status == "SUCCESS" && !amount.Equal(q.amount) {
		b.mu.Unlock()
		return Payment{}, fmt.Errorf("%w: paid %s, QR is for %s", ErrAmountMismatch, amount, q.amount)
	}
	q.payment = b.newPayment(status)
	if status == "SUCCESS" && q.binding != nil && q.binding.status == bindingInactive {
		q.binding.status, q.binding.bank = bindingSubscribed, payerBank // the payer accepts the offer
	}
	p := Payment{QRID: q.id, TransactionID: q.payment.transactionID, TransactionDate: q.payment.date}
	c := Callback{TransactionID: p.TransactionID, QRID: q.id, Order: order, Amount: q.amount, Status: status,
		TransactionDate: p.TransactionDate, CreateDate: q.created.In(moscow).Format(wireTime),
		AdditionalInfo: q.additionalInfo}
	b.mu.Unlock()
	b.SendCallback(c, "")
	return p, nil
}

// payableQR is the newest QR of the order that is NEW or IN_PROGRESS. Caller holds b.mu.
func (b *Bank) payableQR(order string) *qr {
	qs := b.orders[order]
	for i := len(qs) - 1; i >= 0; i-- {
		if s := b.status(qs[i]); s == "NEW" || s == "IN_PROGRESS" {
			return qs[i]
		}
	}
	return nil
}

// newPayment stamps a payment with a new transaction id and the time in the bank's format
// (microseconds and offset). Caller holds b.mu.
func (b *Bank) newPayment(status string) *payment {
	b.seq++
	return &payment{transactionID: b.seq, status: status,
		date: b.now().In(moscow).Format("2006-01-02T15:04:05.000000-07:00")}
}

// CompleteRefund finishes a refund in progress as COMPLETED.
func (b *Bank) CompleteRefund(refundID string) error { return b.finishRefund(refundID, "COMPLETED") }

// DeclineRefund finishes a refund in progress as DECLINED.
func (b *Bank) DeclineRefund(refundID string) error { return b.finishRefund(refundID, "DECLINED") }

func (b *Bank) finishRefund(id, status string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	rf, found := b.refunds[id]
	if !found || rf.status != "IN_PROGRESS" {
		return fmt.Errorf("%w: %s", ErrNoRefund, id)
	}
	rf.status = status
	return nil
}
