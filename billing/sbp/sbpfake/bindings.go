package sbpfake

import (
	"errors"
	"fmt"
)

// ErrNoBinding: the simulation names a binding (or a charge of it) the bank does not have.
var ErrNoBinding = errors.New("sbpfake: no such binding")

// Bind has the payer agree to the binding in their bank's app (INACTIVE → SUBSCRIBED).
func (b *Bank) Bind(id string) error { return b.moveBinding(id, bindingInactive, bindingSubscribed) }

// Unbind has the payer revoke the binding in their bank's app (SUBSCRIBED → UNSUBSCRIBED).
func (b *Bank) Unbind(id string) error {
	return b.moveBinding(id, bindingSubscribed, bindingUnsubscribed)
}

func (b *Bank) moveBinding(id, from, to string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	bd, found := b.bindings[id]
	if !found || bd.status != from {
		return fmt.Errorf("%w: %s is not %s", ErrNoBinding, id, from)
	}
	bd.status = to
	if to == bindingSubscribed {
		bd.bank = payerBank
	}
	return nil
}

// BindingStatus is the binding's status ("" if the bank has none by that id).
func (b *Bank) BindingStatus(id string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if bd, found := b.bindings[id]; found {
		return bd.status
	}
	return ""
}

// SetChargeOutcome makes the next charges by binding end with paymentStatus status (SUCCESS,
// DECLINED, or IN_PROGRESS until FinishCharge); "" restores SUCCESS.
func (b *Bank) SetChargeOutcome(status string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.switches.chargeOutcome = status
}

// FinishCharge ends an IN_PROGRESS charge by binding with status (SUCCESS sends the callback).
func (b *Bank) FinishCharge(bindingID, order, status string) error {
	b.mu.Lock()
	bd, found := b.bindings[bindingID]
	if !found || bd.orders[order] == nil || bd.orders[order].status != "IN_PROGRESS" {
		b.mu.Unlock()
		return fmt.Errorf("%w: no charge %s in progress under %s", ErrNoBinding, order, bindingID)
	}
	c := bd.orders[order]
	p := b.newPayment(status)
	c.status, c.transactionID, c.date = status, p.transactionID, p.date
	cb := c.callback()
	b.mu.Unlock()
	if status == "SUCCESS" {
		b.SendCallback(cb, "")
	}
	return nil
}

// Charges counts the charges by binding the bank holds, whatever their status.
func (b *Bank) Charges(bindingID string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if bd, found := b.bindings[bindingID]; found {
		return len(bd.orders)
	}
	return 0
}
