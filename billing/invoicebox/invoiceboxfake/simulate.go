package invoiceboxfake

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// Errors of the simulation methods.
var (
	ErrNoSuchOrder  = errors.New("invoiceboxfake: no such order")
	ErrNotPayable   = errors.New("invoiceboxfake: order is not payable in its status")
	ErrNoSuchRefund = errors.New("invoiceboxfake: no such refund")
)

// Order is a read-only view of an order for tests.
type Order struct {
	ID              string
	MerchantOrderID string
	Status          string
	Amount          decimal.Decimal
	VatAmount       decimal.Decimal
	PaidAmount      decimal.Decimal
	Currency        string
	PaymentURL      string
	NotificationURL string
	Expiration      time.Time
	PaidAt          time.Time
	Lines           int
}

// Order finds an order by Invoicebox id or by merchantOrderId.
func (s *Server) Order(id string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.lookupLocked(id)
	if o == nil {
		return Order{}, false
	}
	s.refreshLocked(o)
	return Order{
		ID: o.ID, MerchantOrderID: o.MerchantOrderID, Status: o.Status, Amount: o.Amount,
		VatAmount: o.VatAmount, PaidAmount: o.PaidAmount, Currency: o.Currency,
		PaymentURL: s.opts.PaymentPageURL + o.ContainerID, NotificationURL: o.NotificationURL,
		Expiration: o.Expiration, PaidAt: o.PaidAt, Lines: len(o.Basket),
	}, true
}

func (s *Server) lookupLocked(id string) *order {
	if o, ok := s.orders[id]; ok {
		return o
	}
	if oid, ok := s.byOurID[id]; ok {
		return s.orders[oid]
	}
	return nil
}

// Pay simulates the payer paying amount for a created order (by Invoicebox id or
// merchantOrderId): the order becomes completed and a signed notification is sent
// (held, duplicated or retried as switched). An amount different from the order's is
// reported as such in the notification, to exercise order_wrong_amount.
func (s *Server) Pay(id string, amount decimal.Decimal) error {
	s.mu.Lock()
	o := s.lookupLocked(id)
	if o == nil {
		s.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrNoSuchOrder, id)
	}
	s.refreshLocked(o)
	if o.Status != "created" && o.Status != "hold" {
		s.mu.Unlock()
		return fmt.Errorf("%w: %s is %s", ErrNotPayable, id, o.Status)
	}
	o.Status, o.PaidAt, o.PaidAmount = "completed", s.opts.Now().UTC(), amount
	n := s.notificationLocked(o, amount)
	s.mu.Unlock()
	s.dispatch(n)
	return nil
}

// Notify sends the order's current state again (a late or repeated notification).
func (s *Server) Notify(id string) error {
	s.mu.Lock()
	o := s.lookupLocked(id)
	if o == nil {
		s.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrNoSuchOrder, id)
	}
	s.refreshLocked(o)
	amount := o.Amount
	if o.Status == "completed" {
		amount = o.PaidAmount
	}
	n := s.notificationLocked(o, amount)
	s.mu.Unlock()
	s.dispatch(n)
	return nil
}

// Expire makes a created order expired now, as if its expiration date had passed.
func (s *Server) Expire(id string) error {
	s.mu.Lock()
	o := s.lookupLocked(id)
	if o == nil || o.Status != "created" {
		s.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrNotPayable, id)
	}
	o.Status = "expired"
	var ns []notification
	if s.opts.NotifyOnCancelAndExpiry {
		ns = append(ns, s.notificationLocked(o, o.Amount))
	}
	s.mu.Unlock()
	s.dispatch(ns...)
	return nil
}

// SendProbe sends the monitoring probe Invoicebox uses: order id of all f's and an
// empty merchantOrderId, to the shop-level notification URL.
func (s *Server) SendProbe() {
	s.mu.Lock()
	probe := &order{
		ID: "ffffffff-ffff-ffff-ffff-ffffffffffff", ContainerID: "ffffffff-ffff-ffff-ffff-ffffffffffff",
		Description: "Тестовое уведомление", Currency: "RUB", Language: "ru", Status: "completed",
		CreatedAt: s.opts.Now().UTC(), Expiration: s.opts.Now().UTC(), Basket: []basketItem{},
	}
	n := s.notificationLocked(probe, decimal.Zero)
	n.URL = s.opts.NotificationURL
	s.mu.Unlock()
	s.dispatch(n)
}

// CompleteRefund moves a created refund to completed.
func (s *Server) CompleteRefund(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rf, ok := s.refunds[id]
	if !ok {
		return fmt.Errorf("%w: %s", ErrNoSuchRefund, id)
	}
	rf.Status = "completed"
	return nil
}

// RefundedAmount is the sum of refunds of an order that are not canceled.
func (s *Server) RefundedAmount(orderID string) decimal.Decimal {
	s.mu.Lock()
	defer s.mu.Unlock()
	sum := decimal.Zero
	for _, rf := range s.refunds {
		if rf.ParentID == orderID && rf.Status != "canceled" {
			sum = sum.Add(rf.Amount)
		}
	}
	return sum
}
