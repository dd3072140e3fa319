package bitrix

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// Contacts, companies and their requisites, for the client cabinet's card sync.

// Duplicates are the ids crm.duplicate.findbycomm found, by entity type (LEAD, CONTACT, COMPANY).
type Duplicates map[string][]ID

// FindByComm finds leads, contacts and companies having one of the e-mails (commType EMAIL) or
// phones (PHONE), in entityType (LEAD, CONTACT, COMPANY; "" for all three). Up to 20 values.
// Docs: api-reference/crm/duplicates/crm-duplicate-find-by-comm.md. With no match the portal
// answers an empty array rather than an object.
func (c *Client) FindByComm(ctx context.Context, commType, entityType string, values []string) (Duplicates, error) {
	params := map[string]any{"type": commType, "values": values}
	if entityType != "" {
		params["entity_type"] = entityType
	}
	resp, err := c.CallIdempotent(ctx, "crm.duplicate.findbycomm", params)
	if err != nil {
		return nil, err
	}
	out := Duplicates{}
	if bytes.HasPrefix(bytes.TrimSpace(resp.Result), []byte("[")) {
		return out, nil
	}
	if err := json.Unmarshal(resp.Result, &out); err != nil {
		return nil, fmt.Errorf("%w: crm.duplicate.findbycomm: %v", ErrBadResponse, err)
	}
	return out, nil
}

// ContactAdd creates a contact (api-reference/crm/contacts/crm-contact-add.md); fields are UPPER_CASE.
func (c *Client) ContactAdd(ctx context.Context, fields map[string]any) (ID, error) {
	return c.callForID(ctx, "crm.contact.add", map[string]any{"fields": fields})
}

// CompanyAdd creates a company (api-reference/crm/companies/crm-company-add.md).
func (c *Client) CompanyAdd(ctx context.Context, fields map[string]any) (ID, error) {
	return c.callForID(ctx, "crm.company.add", map[string]any{"fields": fields})
}

// LegacyUpdate sets fields of a contact or company (crm.contact.update, crm.company.update:
// api-reference/crm/contacts/crm-contact-update.md, api-reference/crm/companies/crm-company-update.md).
func (c *Client) LegacyUpdate(ctx context.Context, entity string, id ID, fields map[string]any) error {
	_, err := c.CallIdempotent(ctx, "crm."+entity+".update", map[string]any{"id": id, "fields": fields})
	return err
}

// RequisitePresets lists the requisite templates of a country (1: Russia) with their XML_ID
// (api-reference/crm/requisites/presets/crm-requisite-preset-list.md).
func (c *Client) RequisitePresets(ctx context.Context, countryID int) ([]json.RawMessage, error) {
	var rows []json.RawMessage
	err := c.Each(ctx, ListQuery{Method: "crm.requisite.preset.list", Params: map[string]any{
		"filter": map[string]any{"COUNTRY_ID": countryID}, "select": []string{"ID", "NAME", "XML_ID"}}},
		func(row json.RawMessage) error {
			rows = append(rows, row)
			return nil
		})
	return rows, err
}

// RequisitesWhere lists requisites matching filter (e.g. RQ_INN).
func (c *Client) RequisitesWhere(ctx context.Context, filter map[string]any) ([]json.RawMessage, error) {
	var rows []json.RawMessage
	err := c.Each(ctx, ListQuery{Method: "crm.requisite.list", Params: map[string]any{"filter": filter}},
		func(row json.RawMessage) error {
			rows = append(rows, row)
			return nil
		})
	return rows, err
}

// RequisiteAdd adds a requisite (api-reference/crm/requisites/universal/crm-requisite-add.md).
func (c *Client) RequisiteAdd(ctx context.Context, fields map[string]any) (ID, error) {
	return c.callForID(ctx, "crm.requisite.add", map[string]any{"fields": fields})
}

// RequisiteUpdate changes a requisite (api-reference/crm/requisites/universal/crm-requisite-update.md).
func (c *Client) RequisiteUpdate(ctx context.Context, id ID, fields map[string]any) error {
	_, err := c.CallIdempotent(ctx, "crm.requisite.update", map[string]any{"id": id, "fields": fields})
	return err
}

// AddressAdd adds an address of a requisite (api-reference/crm/requisites/addresses/crm-address-add.md).
func (c *Client) AddressAdd(ctx context.Context, fields map[string]any) error {
	_, err := c.Call(ctx, "crm.address.add", map[string]any{"fields": fields})
	return err
}

// AddressUpdate changes an address, found by TYPE_ID, ENTITY_TYPE_ID and ENTITY_ID
// (api-reference/crm/requisites/addresses/crm-address-update.md).
func (c *Client) AddressUpdate(ctx context.Context, fields map[string]any) error {
	_, err := c.CallIdempotent(ctx, "crm.address.update", map[string]any{"fields": fields})
	return err
}

// LegacyGet reads a contact or company with its phones and DATE_MODIFY (crm.contact.get,
// crm.company.get: api-reference/crm/contacts/crm-contact-get.md,
// api-reference/crm/companies/crm-company-get.md).
func (c *Client) LegacyGet(ctx context.Context, entity string, id ID) (json.RawMessage, error) {
	resp, err := c.CallIdempotent(ctx, "crm."+entity+".get", map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	return resp.Result, nil
}

// Addresses lists the addresses matching filter, e.g. a requisite's (ENTITY_TYPE_ID 8): a handful,
// one page (api-reference/crm/requisites/addresses/crm-address-list.md).
func (c *Client) Addresses(ctx context.Context, filter map[string]any) ([]json.RawMessage, error) {
	resp, err := c.CallIdempotent(ctx, "crm.address.list", map[string]any{"filter": filter})
	if err != nil {
		return nil, err
	}
	var rows []json.RawMessage
	if err := json.Unmarshal(resp.Result, &rows); err != nil {
		return nil, fmt.Errorf("%w: crm.address.list: %v", ErrBadResponse, err)
	}
	return rows, nil
}
