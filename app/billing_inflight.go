package app

import (
	"context"

	"b24pay/billing"
	"b24pay/instalment"
)

// instalmentsInFlight tells the instalment domain which instalments have a payment under way, so
// an edit leaves them (and their amounts) alone.
func (a *App) instalmentsInFlight(ctx context.Context, ids []int64) (map[int64]bool, error) {
	list, err := a.payments.ListFor(ctx, instalment.PayableKind, ids)
	out := map[int64]bool{}
	for _, p := range list {
		if billing.Open(p.Status) {
			out[p.PayableID] = true
		}
	}
	return out, err
}
