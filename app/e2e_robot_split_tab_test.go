package app

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func TestE2ETabSplitsAnInvoiceWithPreview(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect)
		code, _ := e.install()
		require.Equal(t, http.StatusOK, code)
		inv := e.splitInvoice()
		tab := e.openTab(e.dealID, 2)

		var list struct {
			Invoices []struct {
				ID int `json:"id"`
			} `json:"invoices"`
		}
		require.Equal(t, http.StatusOK, e.api(tab, "GET", "/split/invoices", nil, &list))
		require.Len(t, list.Invoices, 1)
		require.Equal(t, inv, list.Invoices[0].ID)

		form := map[string]any{"invoice_id": inv, "parts": 7, "period": "month", "first": "2026-12-15"}
		var preview struct {
			Total string `json:"total"`
			Parts []struct {
				Due   string `json:"due"`
				Total string `json:"total"`
				VAT   string `json:"vat"`
			} `json:"parts"`
		}
		require.Equal(t, http.StatusOK, e.api(tab, "POST", "/split/preview", form, &preview))
		require.Len(t, preview.Parts, 7)
		sum := decimal.Zero
		for _, p := range preview.Parts {
			sum = sum.Add(decimal.RequireFromString(p.Total))
		}
		require.Equal(t, "102500", sum.String())
		require.Equal(t, 0, e.portal.Calls("crm.item.add"), "a preview writes nothing")

		var bad struct {
			Message string `json:"message"`
		}
		require.Equal(t, http.StatusUnprocessableEntity, e.api(tab, "POST", "/split/preview",
			map[string]any{"invoice_id": inv, "parts": 40}, &bad))
		require.Contains(t, bad.Message, "от 2 до 36")

		form["key"] = "k-1"
		var started struct {
			ID int64 `json:"id"`
		}
		require.Equal(t, http.StatusAccepted, e.api(tab, "POST", "/split", form, &started))
		var again struct {
			ID int64 `json:"id"`
		}
		require.Equal(t, http.StatusAccepted, e.api(tab, "POST", "/split", form, &again), "a double click")
		require.Equal(t, started.ID, again.ID)
		e.drain()
		var status struct {
			Status     string  `json:"status"`
			InvoiceIDs []int64 `json:"invoice_ids"`
		}
		require.Equal(t, http.StatusOK, e.api(tab, "GET", fmt.Sprintf("/split/%d", started.ID), nil, &status))
		require.Equal(t, "done", status.Status)
		require.Len(t, status.InvoiceIDs, 7)
		parts := 0
		for _, it := range e.portal.Items(31) {
			if x, _ := it["xmlId"].(string); strings.HasPrefix(x, "b24pay-split-") {
				parts++
			}
		}
		require.Equal(t, 7, parts, "the double click made one split")
	})
}

func TestE2ETabSplitChecksOwnership(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	code, _ := e.install()
	require.Equal(t, http.StatusOK, code)
	inv := e.splitInvoice()
	other, err := e.portal.AddItem(2, map[string]any{"TITLE": "Другая сделка", "CURRENCY_ID": "RUB"})
	require.NoError(t, err)

	otherTab := e.openTab(other, 2)
	form := map[string]any{"invoice_id": inv, "parts": 2, "key": "k-2"}
	require.Equal(t, http.StatusNotFound, e.api(otherTab, "POST", "/split/preview", form, nil), "another deal's invoice")
	require.Equal(t, http.StatusNotFound, e.api(otherTab, "POST", "/split", form, nil))

	var started struct {
		ID int64 `json:"id"`
	}
	tab := e.openTab(e.dealID, 2)
	require.Equal(t, http.StatusAccepted, e.api(tab, "POST", "/split", form, &started))
	require.Equal(t, http.StatusNotFound, e.api(otherTab, "GET", fmt.Sprintf("/split/%d", started.ID), nil, nil),
		"another deal's tab cannot read the split")
	var runs int64
	require.NoError(t, e.db.Table("split_runs").Count(&runs).Error)
	require.EqualValues(t, 1, runs)
}
