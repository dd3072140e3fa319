package app

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// Invoiced, being-paid and down-payment instalments are frozen: an edit rebalances only the free
// ones, and when none is free it is refused with a message that says so.
func TestEditLeavesInvoicedBeingPaidAndDownPaymentAlone(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite, withSBP(t))
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	token := e.openTab(e.dealID, 2)
	plan := map[string]any{"scheme": "equal", "total": "120000.00", "currency": "RUB", "count": 4, "down": map[string]any{"amount": "24000.00"},
		"period": map[string]any{"unit": "month", "every": 1}, "first": "2026-12-22"}
	var s scheduleResponse
	require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/schedule", plan, &s))
	e.drain()
	rows := s.Schedule.Instalments // down 24 000, then 4 × 24 000
	require.Len(t, rows, 5)
	require.Equal(t, "down_payment", rows[0].Kind)

	e.pay(token, rows[1].ID, "sbp") // an open payment on instalment 2
	require.Equal(t, http.StatusAccepted, e.api(token, http.MethodPost, "/instalments/"+itoa(rows[2].ID)+"/invoice", nil, nil))
	e.drain() // an invoice on instalment 3

	// The down payment and the invoiced instalment refuse a direct edit. The instalment being paid
	// may be edited (its open order follows: TestEditingAnAmountMovesTheOpenQRUnderTheSameLink), but a
	// rebalance never touches it (below).
	for _, i := range []int{0, 2} {
		frozen := rows[i]
		require.Equal(t, http.StatusConflict, e.api(token, http.MethodPatch, "/instalments/"+itoa(frozen.ID),
			map[string]any{"amount": "1000.00"}, nil), "seq %d is frozen", frozen.Seq)
	}
	require.Equal(t, http.StatusOK, e.api(token, http.MethodPatch, "/instalments/"+itoa(rows[3].ID),
		map[string]any{"amount": "20000.00"}, &s))
	got := []string{}
	for _, r := range s.Schedule.Instalments {
		got = append(got, r.Amount)
	}
	require.Equal(t, []string{"24000.00", "24000.00", "24000.00", "20000.00", "28000.00"}, got, "only instalment 5 took the rest")
	require.Equal(t, "120000.00", s.Schedule.Total)

	// Instalment 5 is the last free one but 4: after invoicing 4 nothing is left to rebalance over.
	require.Equal(t, http.StatusAccepted, e.api(token, http.MethodPost, "/instalments/"+itoa(rows[3].ID)+"/invoice", nil, nil))
	e.drain()
	var verr struct {
		Error  string
		Fields []struct{ Field, Code, Message string }
	}
	require.Equal(t, http.StatusUnprocessableEntity, e.api(token, http.MethodPatch, "/instalments/"+itoa(rows[4].ID),
		map[string]any{"amount": "27000.00"}, &verr))
	require.Equal(t, "none_free", verr.Fields[0].Code)
	require.Contains(t, verr.Fields[0].Message, "сумму не на кого перераспределить")
	require.Equal(t, http.StatusOK, e.api(token, http.MethodPatch, "/instalments/"+itoa(rows[4].ID),
		map[string]any{"due": "2027-05-01"}, nil), "its date can still move")
}
