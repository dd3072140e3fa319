package bitrix

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// PageSize is the fixed page size of list methods.
const PageSize = 50

// ListQuery describes an ID-ordered traversal of a list method
// (§3.4: order by id ascending, filter >id, start=-1).
type ListQuery struct {
	Method string         // e.g. "crm.item.list", "crm.contact.list"
	Params map[string]any // entityTypeId, select, filter …; order/start are set by the traversal
	// IDField is "id" for crm.item.* and "ID" for legacy methods; by default
	// chosen from Method.
	IDField string
	// ItemsKey is the key of the rows inside result ("items" for
	// crm.item.list, "productRows" …); "" when result is the array itself.
	// By default "items" for crm.item.list.
	ItemsKey string
}

func (q ListQuery) normalized() ListQuery {
	modern := strings.HasPrefix(strings.ToLower(q.Method), "crm.item.")
	if q.IDField == "" {
		q.IDField = map[bool]string{true: "id", false: "ID"}[modern]
	}
	if q.ItemsKey == "" && strings.EqualFold(q.Method, "crm.item.list") {
		q.ItemsKey = "items"
	}
	return q
}

// firstAfter is the id the traversal starts after (a caller's own >id filter).
func (q ListQuery) firstAfter() string {
	if f, ok := q.Params["filter"].(map[string]any); ok {
		if v, ok := f[">"+q.IDField]; ok {
			return fmt.Sprint(v)
		}
	}
	return "0"
}

// page builds the params of one page after the given id (a number or a
// batch reference).
func (q ListQuery) page(after string) map[string]any {
	p := maps.Clone(q.Params)
	if p == nil {
		p = map[string]any{}
	}
	filter := map[string]any{}
	if f, ok := q.Params["filter"].(map[string]any); ok {
		filter = maps.Clone(f)
	}
	filter[">"+q.IDField] = after
	p["filter"] = filter
	if sel, ok := q.Params["select"].([]string); ok && !slices.Contains(sel, q.IDField) && !slices.Contains(sel, "*") {
		p["select"] = append(slices.Clone(sel), q.IDField)
	}
	p["order"] = map[string]any{q.IDField: "ASC"}
	p["start"] = -1
	return p
}

// rows extracts the page rows and the id of the last one.
func (q ListQuery) rows(result json.RawMessage) ([]json.RawMessage, string, error) {
	raw := result
	if q.ItemsKey != "" {
		var wrap map[string]json.RawMessage
		if err := json.Unmarshal(result, &wrap); err != nil {
			return nil, "", fmt.Errorf("%w: %s: %v", ErrBadResponse, q.Method, err)
		}
		raw = wrap[q.ItemsKey]
	}
	var rows []json.RawMessage
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &rows); err != nil {
			return nil, "", fmt.Errorf("%w: %s rows: %v", ErrBadResponse, q.Method, err)
		}
	}
	if len(rows) == 0 {
		return rows, "", nil
	}
	var last map[string]json.RawMessage
	if err := json.Unmarshal(rows[len(rows)-1], &last); err != nil {
		return nil, "", fmt.Errorf("%w: %s row: %v", ErrBadResponse, q.Method, err)
	}
	var id ID
	if err := id.UnmarshalJSON(last[q.IDField]); err != nil || id <= 0 {
		return nil, "", fmt.Errorf("%w: %s row without %s", ErrBadResponse, q.Method, q.IDField)
	}
	return rows, id.String(), nil
}

// refPath is the $result path to the id of the last row of a full page.
func (q ListQuery) refPath(command string) string {
	if q.ItemsKey == "" {
		return Ref(command, PageSize-1, q.IDField)
	}
	return Ref(command, q.ItemsKey, PageSize-1, q.IDField)
}

// Each walks all rows page by page (one request per 50 rows).
func (c *Client) Each(ctx context.Context, q ListQuery, fn func(row json.RawMessage) error) error {
	q = q.normalized()
	after := q.firstAfter()
	for {
		resp, err := c.CallIdempotent(ctx, q.Method, q.page(after))
		if err != nil {
			return err
		}
		rows, last, err := q.rows(resp.Result)
		if err != nil {
			return err
		}
		if done, err := deliver(rows, fn); done || err != nil {
			return err
		}
		if after, err = advance(after, last); err != nil {
			return err
		}
	}
}

// EachBatched walks all rows with chained batches: each batch holds 50
// page commands, command k filtering >id of the last row of command k-1
// through a $result reference, so one request yields up to 2 500 rows.
func (c *Client) EachBatched(ctx context.Context, q ListQuery, fn func(row json.RawMessage) error) error {
	q = q.normalized()
	after := q.firstAfter()
	for {
		b := &Batch{}
		for k := range MaxBatchCommands {
			from := after
			if k > 0 {
				from = q.refPath(pageName(k - 1))
			}
			b.Add(pageName(k), q.Method, q.page(from))
		}
		res, err := c.Batch(ctx, b, Idempotent())
		if err != nil && res == nil {
			return err
		}
		last, done, err := q.deliverBatch(res, fn)
		if done || err != nil {
			return err
		}
		if after, err = advance(after, last); err != nil {
			return err
		}
	}
}

// deliverBatch hands over the pages in order until the first short page;
// commands after it referenced a missing row and are ignored.
func (q ListQuery) deliverBatch(res *BatchResult, fn func(json.RawMessage) error) (string, bool, error) {
	var last string
	for k := range MaxBatchCommands {
		name := pageName(k)
		if ae, failed := res.Errors[name]; failed {
			return "", true, ae
		}
		rows, lastID, err := q.rows(res.Results[name])
		if err != nil {
			return "", true, err
		}
		if done, err := deliver(rows, fn); done || err != nil {
			return "", true, err
		}
		last = lastID
	}
	return last, false, nil
}

// deliver passes rows to fn; done when the page was not full.
func deliver(rows []json.RawMessage, fn func(json.RawMessage) error) (bool, error) {
	for _, r := range rows {
		if err := fn(r); err != nil {
			return true, err
		}
	}
	return len(rows) < PageSize, nil
}

func advance(after, last string) (string, error) {
	a, _ := strconv.ParseInt(after, 10, 64)
	l, _ := strconv.ParseInt(last, 10, 64)
	if l <= a {
		return "", fmt.Errorf("%w: last id %s after %s", ErrCursorStalled, last, after)
	}
	return last, nil
}

func pageName(k int) string { return "p" + strconv.Itoa(k) }
