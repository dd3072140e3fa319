package b24fake_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBatchReferencesAndResults(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.call(t, "batch", map[string]any{"halt": 1, "cmd": ordered(
		"i1", "crm.item.add?entityTypeId=31&fields%5Btitle%5D=%D0%A1%D1%87%D1%91%D1%82+1%2F2&fields%5Bopportunity%5D=5000.00&fields%5BisManualOpportunity%5D=Y",
		"r1", "crm.item.productrow.set?ownerType=SI&ownerId=$result[i1][item][id]&productRows%5B0%5D%5BproductName%5D=Part+1&productRows%5B0%5D%5Bprice%5D=5000.00&productRows%5B0%5D%5Bquantity%5D=1",
		"g1", "crm.item.get?entityTypeId=31&id=$result[i1][item][id]",
	)})
	res := obj(t, r.ok(t))
	require.Equal(t, "[]", rawJSON(t, res["result_error"]), "empty sections are PHP arrays")
	results := obj(t, res["result"])
	require.Equal(t, "Счёт 1/2", obj(t, results, "i1", "item")["title"])
	rows := list(t, obj(t, results, "r1")["productRows"])
	require.Equal(t, json.Number("1"), obj(t, rows[0])["ownerId"])
	require.Equal(t, json.Number("1"), obj(t, results, "g1", "item")["id"])
	require.Contains(t, obj(t, res["result_time"]), "i1")
	require.Equal(t, 1, b.p.Requests("batch"))
	require.Equal(t, 1, b.p.Calls("crm.item.add"))
	require.Len(t, b.p.ProductRows("SI", 1), 1)
}

func rawJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return string(data)
}

func TestBatchPartialFailure(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		halt        int
		wantResults []string
	}{
		{name: "WithoutHaltRunsEverything", halt: 0, wantResults: []string{"a", "c"}},
		{name: "HaltStopsAtFirstFailure", halt: 1, wantResults: []string{"a"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			r := b.call(t, "batch", map[string]any{"halt": tc.halt, "cmd": map[string]any{
				"a": "crm.item.add?entityTypeId=31&fields[title]=A",
				"b": "crm.item.get?entityTypeId=31&id=404",
				"c": "crm.item.add?entityTypeId=31&fields[title]=C",
			}})
			res := obj(t, r.ok(t))
			errs := obj(t, res["result_error"])
			require.Equal(t, "NOT_FOUND", obj(t, errs["b"])["error"])
			results := obj(t, res["result"])
			require.Len(t, results, len(tc.wantResults))
			for _, k := range tc.wantResults {
				require.Contains(t, results, k)
			}
			require.Len(t, b.p.Items(31), len(tc.wantResults))
		})
	}
}

func TestBatchLimits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cmds := map[string]any{}
	for i := range 51 {
		cmds[fmt.Sprint("c", i)] = "server.time"
	}
	b.call(t, "batch", map[string]any{"cmd": cmds}).failed(t, 400, "ERROR_BATCH_LENGTH_EXCEEDED")
	res := obj(t, b.call(t, "batch", map[string]any{"cmd": map[string]any{"n": "batch?cmd[x]=server.time"}}).ok(t))
	require.Equal(t, "ERROR_BATCH_METHOD_NOT_ALLOWED", obj(t, res["result_error"], "n")["error"])
}

func TestBatchListCommandsGiveListResults(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := obj(t, b.call(t, "batch", map[string]any{"cmd": []any{"server.time", "profile"}}).ok(t))
	require.Len(t, list(t, res["result"]), 2)
}

func TestBatchFormEncodedIsDoubleEncodedAndKeepsOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	inner := url.Values{"entityTypeId": {"31"}, "fields[title]": {"A & B"}}.Encode()
	vals := url.Values{}
	vals.Set("halt", "1")
	// z before a: order of commands is the order sent, not alphabetical.
	body := "cmd%5Bz%5D=" + url.QueryEscape("crm.item.add?"+inner) + "&cmd%5Ba%5D=" + url.QueryEscape("crm.item.get?entityTypeId=31&id=$result[z][item][id]") + "&halt=1&auth=" + b.access
	resp, err := b.srv.Client().Post(b.srv.URL+"/rest/batch", "application/x-www-form-urlencoded", strings.NewReader(body))
	require.NoError(t, err)
	res := obj(t, decode(t, resp).ok(t))
	require.Equal(t, "A & B", obj(t, res["result"], "a", "item")["title"])
}

func TestBatchTotalsAndNexts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	seedInvoices(t, b, 60)
	res := obj(t, b.call(t, "batch", map[string]any{"cmd": map[string]any{
		"p1": "crm.item.list?entityTypeId=31",
		"p2": "crm.item.list?entityTypeId=31&start=$result_next[p1]",
	}}).ok(t))
	require.Equal(t, json.Number("60"), obj(t, res["result_total"])["p1"])
	require.Equal(t, json.Number("50"), obj(t, res["result_next"])["p1"])
	require.Len(t, list(t, obj(t, res["result"], "p2")["items"]), 10)
}

// TestChainedTraversalOf10000Items walks 10 000 items the fast way: one counting call, then
// batches of 50 chained list commands (start=-1, >id = last id of the previous command).
func TestChainedTraversalOf10000Items(t *testing.T) {
	t.Parallel()
	b := setup(t)
	seedInvoices(t, b, 10000)
	first := b.call(t, "crm.item.list", map[string]any{"entityTypeId": 31, "order": map[string]any{"id": "ASC"}, "select": []string{"id"}})
	seen := len(list(t, obj(t, first.ok(t))["items"]))
	total := num(t, first.body["total"])
	lastID := 50
	for seen < total {
		var kv, keys []string
		for i := 0; i < 50 && seen+i*50 < total; i++ {
			ref := fmt.Sprint(lastID)
			if i > 0 {
				ref = fmt.Sprintf("$result[c%d][items][49][id]", i-1)
			}
			key := fmt.Sprint("c", i)
			keys = append(keys, key)
			kv = append(kv, key, "crm.item.list?entityTypeId=31&start=-1&order[id]=ASC&select[]=id&filter[>id]="+ref)
		}
		res := obj(t, b.call(t, "batch", map[string]any{"halt": 1, "cmd": ordered(kv...)}).ok(t))
		for _, k := range keys {
			items := list(t, obj(t, res["result"], k)["items"])
			seen += len(items)
			lastID = num(t, obj(t, items[len(items)-1])["id"])
		}
	}
	require.Equal(t, 10000, seen)
	require.Equal(t, 10000, lastID)
	require.LessOrEqual(t, b.p.TotalRequests(), 10)
}

func TestInjectedFaultHitsBatchSubCommand(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.p.FailNext("crm.item.add", 1, "CRM_FIELD_ERROR_VALUE_NOT_VALID", 0)
	res := obj(t, b.call(t, "batch", map[string]any{"cmd": ordered(
		"a", "crm.item.add?entityTypeId=31&fields[title]=A",
		"b", "crm.item.add?entityTypeId=31&fields[title]=B",
		"c", "crm.item.update?entityTypeId=31&id=$result[a][item][id]&fields[title]=C",
	)}).ok(t))
	require.Equal(t, "CRM_FIELD_ERROR_VALUE_NOT_VALID", obj(t, res["result_error"], "a")["error"])
	require.Equal(t, "NOT_FOUND", obj(t, res["result_error"], "c")["error"], "a reference to a failed command reaches no item")
	require.Equal(t, "B", obj(t, res["result"], "b", "item")["title"])
	require.Equal(t, 2, b.p.Calls("crm.item.add"))
}

func TestUnresolvableReferenceResolvesToItsDeepestExistingPart(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := obj(t, b.call(t, "batch", map[string]any{"cmd": ordered(
		"a", "crm.item.add?entityTypeId=31&fields[title]=A",
		"b", "crm.item.add?entityTypeId=31&fields[title]=$result[a][item][title][0]",
	)}).ok(t))
	require.Equal(t, "A", obj(t, res["result"], "b", "item")["title"], "[0] of a string does not exist: the string itself is used")
}
