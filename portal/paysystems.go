package portal

import (
	"context"
	"fmt"
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
// asks our endpoint for the payment URL and shows its QR) and an active pay system per order-registry
// person type, creating only what is missing.
func EnsurePaySystems(ctx context.Context, cl *bitrix.Client, routes []PaySystem, key string) error {
	if len(routes) == 0 {
		return nil
	}
	var handlers []struct {
		Code string `json:"CODE"`
	}
	if err := call(ctx, cl, "sale.paysystem.handler.list", nil, &handlers); err != nil {
		return err
	}
	personTypes, err := orderPersonTypes(ctx, cl)
	if err != nil {
		return err
	}
	var systems []struct {
		Handler    string    `json:"ACTION_FILE"`
		PersonType bitrix.ID `json:"PERSON_TYPE_ID"`
	}
	if err := call(ctx, cl, "sale.paysystem.list", map[string]any{"filter": map[string]any{"ENTITY_REGISTRY_TYPE": "ORDER"}}, &systems); err != nil {
		return err
	}
	for _, r := range routes {
		code := HandlerCode(r.Code)
		if !hasHandler(handlers, code) {
			if _, err := cl.Call(ctx, "sale.paysystem.handler.add", handlerParams(r, code)); err != nil && !bitrix.HasCode(err, "ERROR_HANDLER_ALREADY_EXIST") {
				return fmt.Errorf("handler %s: %w", code, err)
			}
		}
		for _, pt := range personTypes {
			exists := false
			for _, s := range systems {
				exists = exists || (strings.EqualFold(s.Handler, code) && s.PersonType == pt)
			}
			if exists {
				continue
			}
			params := map[string]any{"NAME": r.Name, "PERSON_TYPE_ID": pt, "BX_REST_HANDLER": code, "ACTIVE": "Y",
				"ENTITY_REGISTRY_TYPE": "ORDER", "XML_ID": code,
				"SETTINGS": map[string]any{PaySystemKeyField: map[string]string{"TYPE": "VALUE", "VALUE": key}}}
			if _, err := cl.Call(ctx, "sale.paysystem.add", params); err != nil {
				return fmt.Errorf("pay system %s for person type %d: %w", code, pt, err)
			}
		}
	}
	return nil
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

// orderPersonTypes lists the payer types of the ORDER registry (deals and smart invoices, §12.3).
func orderPersonTypes(ctx context.Context, cl *bitrix.Client) ([]bitrix.ID, error) {
	var out struct {
		PersonTypes []struct {
			ID       bitrix.ID `json:"id"`
			Registry string    `json:"entityRegistryType"`
			Active   string    `json:"active"`
		} `json:"personTypes"`
	}
	if err := call(ctx, cl, "sale.persontype.list", nil, &out); err != nil {
		return nil, err
	}
	var ids []bitrix.ID
	for _, pt := range out.PersonTypes {
		if pt.Registry == "ORDER" && pt.Active != "N" {
			ids = append(ids, pt.ID)
		}
	}
	return ids, nil
}
