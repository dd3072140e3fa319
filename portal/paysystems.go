package portal

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"b24pay/bitrix"
)

// PaySystem is one of our payment routes offered in Bitrix24's Sales Center.
type PaySystem struct {
	Code       string // our route code: invoicebox | sbp
	Name       string // shown to the buyer
	ClientType string // b2b | b2c
	ActionURL  string // our CHECKOUT_DATA endpoint
}

// HandlerCode is the REST handler CODE registered for a route.
func HandlerCode(route string) string { return "b24pay_" + route }

// PaySystemKeyField is the handler setting that carries our per-portal key, so a CHECKOUT_DATA
// request (which Bitrix24 does not sign) can be told from a forged one.
const PaySystemKeyField = "B24PAY_KEY"

// EnsurePaySystems registers one REST pay-system handler per route (CHECKOUT_DATA mode: Bitrix24
// asks our endpoint for the payment URL and shows its QR) and an active pay system per payer type,
// creating only what is missing. ErrNoPaySystems when routes were asked for and none is in place.
func EnsurePaySystems(ctx context.Context, cl *bitrix.Client, routes []PaySystem, key string) error {
	_, err := ensurePaySystems(ctx, cl, routes, key)
	return err
}

// paySystemRow is a row of sale.paysystem.list (docs: api-reference/pay-system/sale-pay-system-list.md).
type paySystemRow struct {
	ActionFile string    `json:"ACTION_FILE"`
	XMLID      string    `json:"XML_ID"`
	PersonType bitrix.ID `json:"PERSON_TYPE_ID"`
}

func (r paySystemRow) of(code string, pt bitrix.ID) bool {
	return r.PersonType == pt && (strings.EqualFold(r.XMLID, code) || strings.EqualFold(r.ActionFile, code))
}

// ensurePaySystems returns how many of our pay systems exist afterwards.
func ensurePaySystems(ctx context.Context, cl *bitrix.Client, routes []PaySystem, key string) (int, error) {
	if len(routes) == 0 {
		return 0, nil
	}
	var handlers []struct {
		Code string `json:"CODE"`
	}
	if err := call(ctx, cl, "sale.paysystem.handler.list", nil, &handlers); err != nil {
		return 0, err
	}
	personTypes, err := activePersonTypes(ctx, cl)
	if err != nil {
		return 0, err
	}
	var systems []paySystemRow
	if err := call(ctx, cl, "sale.paysystem.list", map[string]any{"filter": map[string]any{"ENTITY_REGISTRY_TYPE": "ORDER"}}, &systems); err != nil {
		return 0, err
	}
	made := 0
	for _, r := range routes {
		code := HandlerCode(r.Code)
		if !hasHandler(handlers, code) {
			if _, err := cl.Call(ctx, "sale.paysystem.handler.add", handlerParams(r, code)); err != nil && !bitrix.HasCode(err, "ERROR_HANDLER_ALREADY_EXIST") {
				return made, fmt.Errorf("handler %s: %w", code, err)
			}
		}
		for _, pt := range personTypes {
			if slices.ContainsFunc(systems, func(s paySystemRow) bool { return s.of(code, pt) }) {
				made++
				continue
			}
			params := map[string]any{"NAME": r.Name, "PERSON_TYPE_ID": pt, "BX_REST_HANDLER": code, "ACTIVE": "Y",
				"ENTITY_REGISTRY_TYPE": "ORDER", "XML_ID": code,
				"SETTINGS": map[string]any{PaySystemKeyField: map[string]string{"TYPE": "VALUE", "VALUE": key}}}
			_, err := cl.Call(ctx, "sale.paysystem.add", params)
			switch {
			case bitrix.HasCode(err, "ERROR_PERSON_TYPE_NOT_FOUND"):
				// A payer type of another registry (old CRM invoices): "PERSON_TYPE_ID must belong to
				// the same binding type" (sale-pay-system-add.md). Not ours to use.
			case err != nil:
				return made, fmt.Errorf("pay system %s for payer type %d: %w", code, pt, err)
			default:
				made++
			}
		}
	}
	if made == 0 {
		return 0, ErrNoPaySystems
	}
	return made, nil
}

func hasHandler(handlers []struct {
	Code string `json:"CODE"`
}, code string) bool {
	for _, h := range handlers {
		if strings.EqualFold(h.Code, code) {
			return true
		}
	}
	return false
}

func handlerParams(r PaySystem, code string) map[string]any {
	return map[string]any{"NAME": r.Name, "CODE": code, "SORT": 100, "SETTINGS": map[string]any{
		"CURRENCY":    []string{"RUB"},
		"CLIENT_TYPE": r.ClientType,
		"CODES": map[string]any{PaySystemKeyField: map[string]any{"NAME": "Ключ b24pay", "SORT": 100,
			"DESCRIPTION": "Заполняется приложением при установке"}},
		"CHECKOUT_DATA": map[string]any{"ACTION_URI": r.ActionURL,
			"FIELDS": map[string]any{PaySystemKeyField: map[string]any{"CODE": PaySystemKeyField, "VISIBLE": "N"}}},
	}}
}

// activePersonTypes lists the portal's active payer types. sale.persontype.list returns
// {personTypes: [{id, name, code, sort, active, xmlId}]} (docs: api-reference/sale/data-types.md#sale_person_type)
// and says nothing of the registry, so sale.paysystem.add tells which ones take an ORDER pay system.
func activePersonTypes(ctx context.Context, cl *bitrix.Client) ([]bitrix.ID, error) {
	var out struct {
		PersonTypes []struct {
			ID     bitrix.ID `json:"id"`
			Active string    `json:"active"`
		} `json:"personTypes"`
	}
	if err := call(ctx, cl, "sale.persontype.list", nil, &out); err != nil {
		return nil, err
	}
	var ids []bitrix.ID
	for _, pt := range out.PersonTypes {
		if pt.Active != "N" {
			ids = append(ids, pt.ID)
		}
	}
	return ids, nil
}
