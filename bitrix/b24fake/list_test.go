package b24fake_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

func seedInvoices(t *testing.T, b *testBundle, n int) {
	t.Helper()
	for i := range n {
		_, err := b.p.AddItem(31, map[string]any{"title": fmt.Sprintf("Счёт %d", i+1), "opportunity": fmt.Sprint(100 * (i%7 + 1))})
		require.NoError(t, err)
	}
}

func TestListPagination(t *testing.T) {
	t.Parallel()
	b := setup(t)
	seedInvoices(t, b, 120)
	cases := []struct {
		name          string
		params        map[string]any
		rows, firstID int
		total, next   any
	}{
		{name: "FirstPage", params: map[string]any{}, rows: 50, firstID: 1, total: json.Number("120"), next: json.Number("50")},
		{name: "SecondPage", params: map[string]any{"start": 50}, rows: 50, firstID: 51, total: json.Number("120"), next: json.Number("100")},
		{name: "LastPageHasNoNext", params: map[string]any{"start": 100}, rows: 20, firstID: 101, total: json.Number("120"), next: nil},
		{name: "StartMinusOneHasNoCount", params: map[string]any{"start": -1, "filter": map[string]any{">id": 60}, "order": map[string]any{"id": "ASC"}}, rows: 50, firstID: 61},
		{name: "FilterEquals", params: map[string]any{"filter": map[string]any{"=opportunity": 700}}, rows: 17, firstID: 7, total: json.Number("17")},
		{name: "OrderDesc", params: map[string]any{"order": map[string]any{"id": "DESC"}, "start": -1}, rows: 50, firstID: 120},
		{name: "UpperCaseIDFilter", params: map[string]any{"filter": map[string]any{">ID": 110}}, rows: 10, firstID: 111, total: json.Number("10")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.params["entityTypeId"] = 31
			r := b.call(t, "crm.item.list", tc.params)
			items := list(t, obj(t, r.ok(t))["items"])
			require.Len(t, items, tc.rows)
			require.Equal(t, tc.firstID, num(t, obj(t, items[0])["id"]))
			require.Equal(t, tc.total, r.body["total"])
			require.Equal(t, tc.next, r.body["next"])
		})
	}
}

func TestListSelectLimitsFields(t *testing.T) {
	t.Parallel()
	b := setup(t)
	seedInvoices(t, b, 1)
	items := list(t, obj(t, b.call(t, "crm.item.list", map[string]any{"entityTypeId": 31, "select": []string{"title"}}).ok(t))["items"])
	require.Equal(t, map[string]any{"id": json.Number("1"), "title": "Счёт 1"}, items[0])
}

func TestListUnknownFilterFieldIsRejected(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.call(t, "crm.item.list", map[string]any{"entityTypeId": 31, "filter": map[string]any{"=titel": "x"}}).failed(t, 400, "INVALID_ARG_VALUE")
}

func TestLegacyListFormEncodedFilter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for i := range 3 {
		_, err := b.p.AddItem(2, map[string]any{"TITLE": fmt.Sprint("deal ", i), "COMPANY_ID": 5 + i%2})
		require.NoError(t, err)
	}
	r := b.form(t, "crm.deal.list", url.Values{"filter[COMPANY_ID]": {"5"}, "select[]": {"ID", "TITLE"}, "order[ID]": {"DESC"}})
	rows := list(t, r.ok(t))
	require.Len(t, rows, 2)
	require.Equal(t, map[string]any{"ID": "3", "TITLE": "deal 2"}, rows[0])
	require.Equal(t, json.Number("2"), r.body["total"])
}
