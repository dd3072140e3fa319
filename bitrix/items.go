package bitrix

import (
	"context"
	"encoding/json"
	"fmt"
)

// Item is a crm.item.* object: its id and the raw camelCase fields.
type Item struct {
	ID  ID
	Raw json.RawMessage
}

// Decode unmarshals the item's fields.
func (i *Item) Decode(out any) error { return json.Unmarshal(i.Raw, out) }

// unwrapItem reads {"item": {...}} as crm.item.add/update/get return it.
func unwrapItem(method string, result json.RawMessage) (*Item, error) {
	var wrap struct {
		Item json.RawMessage `json:"item"`
	}
	if err := json.Unmarshal(result, &wrap); err != nil || len(wrap.Item) == 0 {
		return nil, fmt.Errorf("%w: %s: no item in result", ErrBadResponse, method)
	}
	return newItem(method, wrap.Item)
}

func newItem(method string, raw json.RawMessage) (*Item, error) {
	var head struct {
		ID ID `json:"id"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, fmt.Errorf("%w: %s: item: %v", ErrBadResponse, method, err)
	}
	return &Item{ID: head.ID, Raw: raw}, nil
}

// ItemAddCommand is crm.item.add as a batch command.
func ItemAddCommand(name string, entityTypeID int, fields any) Command {
	return Command{Name: name, Method: "crm.item.add", Params: map[string]any{"entityTypeId": entityTypeID, "fields": fields}}
}

// ItemUpdateCommand is crm.item.update as a batch command.
func ItemUpdateCommand(name string, entityTypeID int, id ID, fields any) Command {
	return Command{Name: name, Method: "crm.item.update", Params: map[string]any{"entityTypeId": entityTypeID, "id": id, "fields": fields}}
}

// ItemAdd creates an item. Not retried after network errors (a retry could
// create a duplicate): look the item up by xmlId before adding again.
func (c *Client) ItemAdd(ctx context.Context, entityTypeID int, fields any) (*Item, error) {
	cmd := ItemAddCommand("", entityTypeID, fields)
	resp, err := c.Call(ctx, cmd.Method, cmd.Params)
	if err != nil {
		return nil, err
	}
	return unwrapItem(cmd.Method, resp.Result)
}

// ItemUpdate sets fields of an item (absolute values: retried as idempotent).
func (c *Client) ItemUpdate(ctx context.Context, entityTypeID int, id ID, fields any) (*Item, error) {
	cmd := ItemUpdateCommand("", entityTypeID, id, fields)
	resp, err := c.CallIdempotent(ctx, cmd.Method, cmd.Params)
	if err != nil {
		return nil, err
	}
	return unwrapItem(cmd.Method, resp.Result)
}

// ItemGet reads one item; a missing item is ErrNotFound.
func (c *Client) ItemGet(ctx context.Context, entityTypeID int, id ID) (*Item, error) {
	resp, err := c.CallIdempotent(ctx, "crm.item.get", map[string]any{"entityTypeId": entityTypeID, "id": id})
	if err != nil {
		return nil, err
	}
	return unwrapItem("crm.item.get", resp.Result)
}

// ItemDelete deletes an item.
func (c *Client) ItemDelete(ctx context.Context, entityTypeID int, id ID) error {
	_, err := c.CallIdempotent(ctx, "crm.item.delete", map[string]any{"entityTypeId": entityTypeID, "id": id})
	return err
}

// ItemFind calls fn for the items matching a narrow filter (a lookup by xmlId or by a parent):
// one plain crm.item.list request per 50 matches, so a lookup costs one call, not a batch of 50
// chained ones (docs: api-reference/crm/universal/crm-item-list.md).
func (c *Client) ItemFind(ctx context.Context, entityTypeID int, filter map[string]any, selectFields []string, fn func(*Item) error) error {
	q := itemQuery(entityTypeID, filter, selectFields)
	return c.Each(ctx, q, itemRows(q, fn))
}

// ItemList calls fn for every item matching filter, in id order, with
// chained batches (2 500 items per request). select nil means the default
// field set.
func (c *Client) ItemList(ctx context.Context, entityTypeID int, filter map[string]any, selectFields []string, fn func(*Item) error) error {
	q := itemQuery(entityTypeID, filter, selectFields)
	return c.EachBatched(ctx, q, itemRows(q, fn))
}

func itemQuery(entityTypeID int, filter map[string]any, selectFields []string) ListQuery {
	params := map[string]any{"entityTypeId": entityTypeID}
	if filter != nil {
		params["filter"] = filter
	}
	if selectFields != nil {
		params["select"] = selectFields
	}
	return ListQuery{Method: "crm.item.list", Params: params}
}

func itemRows(q ListQuery, fn func(*Item) error) func(json.RawMessage) error {
	return func(row json.RawMessage) error {
		it, err := newItem(q.Method, row)
		if err != nil {
			return err
		}
		return fn(it)
	}
}

// ProductRowsSet replaces all product rows of an owner (ownerType "SI" for
// smart invoices, "D" for deals …).
func (c *Client) ProductRowsSet(ctx context.Context, ownerType string, ownerID ID, rows any) ([]json.RawMessage, error) {
	resp, err := c.CallIdempotent(ctx, "crm.item.productrow.set", map[string]any{"ownerType": ownerType, "ownerId": ownerID, "productRows": rows})
	if err != nil {
		return nil, err
	}
	return productRows("crm.item.productrow.set", resp.Result)
}

// ProductRows lists the product rows of an owner.
func (c *Client) ProductRows(ctx context.Context, ownerType string, ownerID ID) ([]json.RawMessage, error) {
	resp, err := c.CallIdempotent(ctx, "crm.item.productrow.list", map[string]any{
		"filter": map[string]any{"=ownerType": ownerType, "=ownerId": ownerID},
	})
	if err != nil {
		return nil, err
	}
	return productRows("crm.item.productrow.list", resp.Result)
}

func productRows(method string, result json.RawMessage) ([]json.RawMessage, error) {
	var wrap struct {
		Rows []json.RawMessage `json:"productRows"`
	}
	if err := json.Unmarshal(result, &wrap); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrBadResponse, method, err)
	}
	return wrap.Rows, nil
}
