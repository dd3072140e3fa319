package bitrix

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEncodeQueryFollowsHTTPBuildQuery(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		params any
		want   string
	}{
		{"NestedFieldsAndEscaping", map[string]any{"entityTypeId": 31, "fields": map[string]any{"title": "Счёт 1/2 & co"}},
			"entityTypeId=31&fields%5Btitle%5D=%D0%A1%D1%87%D1%91%D1%82+1%2F2+%26+co"},
		{"ArraysIndexed", map[string]any{"select": []string{"id", "title"}}, "select%5B0%5D=id&select%5B1%5D=title"},
		{"BoolsAsDigitsNullsDropped", map[string]any{"a": true, "b": false, "c": nil}, "a=1&b=0"},
		{"ReferenceLeftRaw", map[string]any{"ownerId": Ref("i1", "item", "id")}, "ownerId=$result[i1][item][id]"},
		{"ReferenceLookalikeEscaped", map[string]any{"t": "$result[x] and more"}, "t=%24result%5Bx%5D+and+more"},
		{"StructKeepsFieldOrder", struct {
			Order struct {
				Sort string `json:"SORT"`
				ID   string `json:"ID"`
			} `json:"order"`
		}{Order: struct {
			Sort string `json:"SORT"`
			ID   string `json:"ID"`
		}{"ASC", "DESC"}}, "order%5BSORT%5D=ASC&order%5BID%5D=DESC"},
		{"DecimalNumberVerbatim", json.RawMessage(`{"price":5000.10}`), "price=5000.10"},
		{"Nothing", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := encodeQuery(tc.params)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestEncodeQueryRejectsNonObjects(t *testing.T) {
	t.Parallel()
	_, err := encodeQuery([]int{1})
	require.Error(t, err)
}

func TestBatchEncodesCommandsInOrderWithHalt(t *testing.T) {
	t.Parallel()
	b := (&Batch{Halt: true}).
		Add("i1", "crm.item.add", map[string]any{"entityTypeId": 31, "fields": map[string]any{"title": "A"}}).
		Add("r1", "crm.item.productrow.set", map[string]any{"ownerType": "SI", "ownerId": Ref("i1", "item", "id")})
	body, err := b.encode()
	require.NoError(t, err)
	require.Equal(t, `{"halt":1,"cmd":{"i1":"crm.item.add?entityTypeId=31\u0026fields%5Btitle%5D=A","r1":"crm.item.productrow.set?ownerId=$result[i1][item][id]\u0026ownerType=SI"}}`, string(body))
}

func TestBatchRejectsBadCommandLists(t *testing.T) {
	t.Parallel()
	tooMany := &Batch{}
	for i := range MaxBatchCommands + 1 {
		tooMany.Add(fmt.Sprint("c", i), "profile", nil)
	}
	_, err := tooMany.encode()
	require.ErrorIs(t, err, ErrTooManyCommands)
	_, err = (&Batch{}).Add("a", "profile", nil).Add("a", "profile", nil).encode()
	require.Error(t, err)
	_, err = (&Batch{}).encode()
	require.ErrorIs(t, err, ErrTooManyCommands)
}

func TestBatchReturnsResultsTogetherWithCommandErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stub.rest = func(w http.ResponseWriter, method string, body map[string]any) {
		require.Equal(t, "batch", method)
		require.Equal(t, float64(0), body["halt"])
		reply(w, 200, `{"result":{"result":{"ok":{"item":{"id":316}}},
			"result_error":{"bad":{"error":"CRM_FIELD_ERROR_VALUE_NOT_VALID","error_description":"bad value"}},
			"result_total":[],"result_next":{"ok":"50"},"result_time":[]},"time":{"operating_reset_at":1767226800}}`)
	}
	res, err := b.client(t).Batch(context.Background(), (&Batch{}).Add("ok", "crm.item.add", nil).Add("bad", "crm.item.add", nil))
	var be *BatchError
	require.ErrorAs(t, err, &be)
	require.Equal(t, "CRM_FIELD_ERROR_VALUE_NOT_VALID", be.Errors["bad"].Code)
	require.Equal(t, "crm.item.add", be.Errors["bad"].Method)
	require.NotNil(t, res)
	var got struct{ Item struct{ ID ID } }
	require.NoError(t, res.Decode("ok", &got))
	require.Equal(t, ID(316), got.Item.ID)
	require.Equal(t, 50, res.Nexts["ok"])
	require.ErrorIs(t, res.Decode("bad", &got), be.Errors["bad"])
}

func TestBatchSectionsSentAsPHPListsAreIndexed(t *testing.T) {
	t.Parallel()
	m, err := section(json.RawMessage(`[{"a":1},true]`))
	require.NoError(t, err)
	require.Equal(t, `true`, string(m["1"]))
	m, err = section(json.RawMessage(`[]`))
	require.NoError(t, err)
	require.Empty(t, m)
	_, err = section(json.RawMessage(`"x"`))
	require.ErrorIs(t, err, ErrBadResponse)
}

func TestBatchErrorMatchesSentinelsOfItsCommands(t *testing.T) {
	t.Parallel()
	err := error(&BatchError{Errors: map[string]*APIError{"a": {Code: "ACCESS_DENIED"}}})
	require.ErrorIs(t, err, ErrAccessDenied)
	require.NotErrorIs(t, err, ErrNotFound)
	require.Contains(t, err.Error(), "a: ACCESS_DENIED")
}

func TestEachStopsWhenTheCursorDoesNotAdvance(t *testing.T) {
	t.Parallel()
	b := setup(t)
	page := make([]string, PageSize)
	for i := range page {
		page[i] = `{"id":7}`
	}
	b.stub.rest = func(w http.ResponseWriter, _ string, _ map[string]any) {
		reply(w, 200, fmt.Sprintf(`{"result":{"items":[%s]}}`, join(page)))
	}
	err := b.client(t).Each(context.Background(), ListQuery{Method: "crm.item.list"}, func(json.RawMessage) error { return nil })
	require.ErrorIs(t, err, ErrCursorStalled)
}

func TestEachSendsIDOrderedFastTraversalParams(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.stub.rest = func(w http.ResponseWriter, _ string, body map[string]any) {
		require.Equal(t, map[string]any{"ID": "ASC"}, body["order"])
		require.Equal(t, float64(-1), body["start"])
		require.Equal(t, map[string]any{">ID": "0", "ENTITY_TYPE_ID": float64(4)}, body["filter"])
		reply(w, 200, `{"result":[{"ID":"3"},{"ID":"9"}]}`)
	}
	var ids []ID
	err := b.client(t).Each(context.Background(), ListQuery{
		Method: "crm.requisite.list",
		Params: map[string]any{"filter": map[string]any{"ENTITY_TYPE_ID": 4}},
	}, func(row json.RawMessage) error {
		var r struct{ ID ID }
		require.NoError(t, json.Unmarshal(row, &r))
		ids = append(ids, r.ID)
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, []ID{3, 9}, ids)
}

func join(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += ","
		}
		out += p
	}
	return out
}
