package app

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// Issue 18, item 10: the tab hides Invoicebox for a person without an INN, and the API refuses it
// too, with a Russian reason on the provider field, before any order is made at Invoicebox.
func TestInvoiceboxIsRefusedForAPersonWithoutINN(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withInvoicebox(t))
		status, _ := e.install()
		require.Equal(t, http.StatusOK, status)
		_, _, action, fields := e.leadTab(map[string]any{"NAME": "Пётр", "LAST_NAME": "Сидоров"})
		token := e.openTabAt(action, fields)
		plan := map[string]any{"scheme": "custom", "total": "30000.00", "currency": "RUB",
			"rows": []map[string]any{{"due": "2026-12-01", "percent": "50"}, {"due": "2027-01-01", "percent": "50"}}}
		var s scheduleResponse
		require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/schedule", plan, &s))
		before := e.ib.Requests()

		var refused struct {
			Error  string
			Fields []fieldError
		}
		status = e.api(token, http.MethodPost, "/instalments/"+itoa(s.Schedule.Instalments[0].ID)+"/pay",
			map[string]string{"provider": "invoicebox"}, &refused)
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Equal(t, "validation", refused.Error)
		require.Len(t, refused.Fields, 1)
		require.Equal(t, "provider", refused.Fields[0].Field)
		require.Equal(t, "Счёт Invoicebox — только для организаций и ИП: у клиента нет ИНН", refused.Fields[0].Message)
		require.Equal(t, before, e.ib.Requests(), "no order made at Invoicebox")
	})
}
