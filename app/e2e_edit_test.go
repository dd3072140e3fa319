package app

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/instalment"
)

func TestEditRebalancesInvoiceAndDeleteCancels(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect)
		status, _ := e.install()
		require.Equal(t, http.StatusOK, status)
		token := e.openTab(e.dealID, 2)
		var s scheduleResponse
		require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/schedule", twelveMonths(), &s))
		e.drain()
		prov := e.provisioned()

		// Raise instalment 2: the other unpaid ones share the rest, the total is kept.
		second := s.Schedule.Instalments[1]
		require.Equal(t, http.StatusOK, e.api(token, http.MethodPatch, "/instalments/"+itoa(second.ID),
			map[string]any{"amount": "21000.00", "due": "2027-02-01"}, &s))
		require.Equal(t, "21000.00", s.Schedule.Instalments[1].Amount)
		require.Equal(t, "2027-02-01", s.Schedule.Instalments[1].Due)
		require.Equal(t, "120000.00", s.Schedule.Total)
		require.Equal(t, "9000.00", s.Schedule.Instalments[2].Amount)
		require.Equal(t, "edited", s.Schedule.History[0].Action)
		require.Contains(t, s.Schedule.History[0].Actor, "Иван")
		e.drain()
		item2 := e.spaItems()[2]
		require.True(t, strings.HasPrefix(fmt.Sprint(item2[prov.FieldName("DUE_DATE")]), "2027-02-01"), "due date pushed: %v", item2[prov.FieldName("DUE_DATE")])

		// Refused edits say why and change nothing.
		var verr struct {
			Error  string
			Fields []struct{ Field, Message string }
		}
		require.Equal(t, http.StatusUnprocessableEntity, e.api(token, http.MethodPatch, "/instalments/"+itoa(second.ID),
			map[string]any{"amount": "500000.00"}, &verr))
		require.NotEmpty(t, verr.Fields)
		require.Equal(t, http.StatusUnprocessableEntity, e.api(token, http.MethodPatch, "/instalments/"+itoa(second.ID),
			map[string]any{"due": "2028-01-01"}, &verr), "dates must stay increasing")

		// Issue an invoice for instalment 3: a smart invoice with a product row, linked to the deal.
		third := s.Schedule.Instalments[2]
		require.Equal(t, http.StatusAccepted, e.api(token, http.MethodPost, "/instalments/"+itoa(third.ID)+"/invoice", nil, nil))
		require.Equal(t, http.StatusAccepted, e.api(token, http.MethodPost, "/instalments/"+itoa(third.ID)+"/invoice", nil, nil),
			"a second click queues nothing new")
		e.drain()
		invoices := e.portal.Items(31)
		require.Len(t, invoices, 1)
		require.EqualValues(t, e.dealID, invoices[0]["parentId2"])
		require.Len(t, e.portal.ProductRows("SI", toInt(invoices[0]["id"])), 1)
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tabResponse{Schedule: nil}))
		var tab tabResponse
		e.api(token, http.MethodGet, "/tab", nil, &tab)
		require.Equal(t, instalment.StatusInvoiced, tab.Schedule.Instalments[2].Status)
		require.NotNil(t, tab.Schedule.Instalments[2].InvoiceID)
		require.Equal(t, http.StatusConflict, e.api(token, http.MethodPatch, "/instalments/"+itoa(third.ID),
			map[string]any{"amount": "1.00"}, nil), "an invoiced instalment is not edited")
		// Paying the invoiced instalment (marked in Bitrix24 here) moves its smart invoice to the paid stage.
		require.NoError(t, e.portal.UserUpdateItem(prov.SPAEntityTypeID, toInt(e.spaItems()[3]["id"]),
			map[string]any{"stageId": prov.Stages["paid"]}))
		e.drain()
		invoice, _ := e.portal.Item(31, toInt(invoices[0]["id"]))
		require.True(t, strings.HasSuffix(fmt.Sprint(invoice["stageId"]), ":P"), "invoice stage %v", invoice["stageId"])

		// Pay instalment 1 in Bitrix24, then delete: paid kept, the unpaid rest cancelled there.
		items := e.spaItems()
		require.NoError(t, e.portal.UserUpdateItem(prov.SPAEntityTypeID, toInt(items[1]["id"]), map[string]any{"stageId": prov.Stages["paid"]}))
		e.drain()
		require.Equal(t, http.StatusOK, e.api(token, http.MethodDelete, "/schedule", nil, nil))
		e.drain()
		items = e.spaItems()
		require.Equal(t, prov.Stages["paid"], items[1]["stageId"])
		require.Equal(t, prov.Stages["paid"], items[3]["stageId"])
		for seq := 2; seq <= 12; seq++ {
			if seq != 3 {
				require.Equal(t, prov.Stages["cancelled"], items[seq]["stageId"], "instalment %d", seq)
			}
		}
		require.Equal(t, "0.00|RUB", e.dealDebt())
		require.Equal(t, http.StatusNotFound, e.api(token, http.MethodDelete, "/schedule", nil, nil))
		e.requireNoDeadOutbox()
	})
}
