package bitrix

import (
	"context"
	"encoding/json"
)

// legacyGet calls crm.<entity>.get, whose result is the UPPER_CASE object
// itself (IDs and money as strings).
func (c *Client) legacyGet(ctx context.Context, method string, id ID) (json.RawMessage, error) {
	resp, err := c.CallIdempotent(ctx, method, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	return resp.Result, nil
}

// ContactGet reads a contact (crm.contact.get, UPPER_CASE fields).
func (c *Client) ContactGet(ctx context.Context, id ID) (json.RawMessage, error) {
	return c.legacyGet(ctx, "crm.contact.get", id)
}

// CompanyGet reads a company (crm.company.get).
func (c *Client) CompanyGet(ctx context.Context, id ID) (json.RawMessage, error) {
	return c.legacyGet(ctx, "crm.company.get", id)
}

// DealGet reads a deal (crm.deal.get; OPPORTUNITY is a string).
func (c *Client) DealGet(ctx context.Context, id ID) (json.RawMessage, error) {
	return c.legacyGet(ctx, "crm.deal.get", id)
}

// Requisites lists the requisites of a contact (3) or company (4).
func (c *Client) Requisites(ctx context.Context, entityTypeID int, entityID ID) ([]json.RawMessage, error) {
	var rows []json.RawMessage
	err := c.Each(ctx, ListQuery{
		Method: "crm.requisite.list",
		Params: map[string]any{"filter": map[string]any{"ENTITY_TYPE_ID": entityTypeID, "ENTITY_ID": entityID}},
	}, func(row json.RawMessage) error {
		rows = append(rows, row)
		return nil
	})
	return rows, err
}
