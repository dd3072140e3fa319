package sbpfake

// Registrations is how many QRs were registered for our order id.
func (b *Bank) Registrations(order string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.registrations[order]
}

// Requests is how many API requests reached the bank (rate-limited ones included).
func (b *Bank) Requests() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.requests
}

// Deliveries lists every callback delivery attempt so far, in the order they finished.
func (b *Bank) Deliveries() []Delivery {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Delivery(nil), b.deliveries...)
}

// CallbacksDelivered is how many callback deliveries were accepted with HTTP 200.
func (b *Bank) CallbacksDelivered() int {
	n := 0
	for _, d := range b.Deliveries() {
		if d.Delivered() {
			n++
		}
	}
	return n
}

// WaitCallbacks blocks until every callback sent so far is delivered or given up on.
func (b *Bank) WaitCallbacks() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.pending > 0 {
		b.idle.Wait()
	}
}

// QRStatus is a QR's state as GET /api/sbp/v2/qrs/{qrId} would report it; empty if unknown.
func (b *Bank) QRStatus(qrID string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	q, found := b.qrs[qrID]
	if !found {
		return ""
	}
	return b.status(q)
}
