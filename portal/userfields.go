package portal

import (
	"context"
	"fmt"
	"strconv"

	"b24pay/bitrix"
)

// User fields follow userfieldconfig.add's rule (docs:
// api-reference/crm/universal/userfieldconfig/userfieldconfig-add.md): the name is
// UF_{entityId}_{POSTFIX}, case-sensitive, A-Z 0-9 _ only, at most 50 characters. For a smart
// process entityId is CRM_{id} with the type's id, not its entityTypeId (userfieldconfig/index.md).

// DealDebtField is the «Остаток долга» user field on deals.
const DealDebtField = "UF_CRM_DEAL_B24PAY_DEBT"

// legacyDealDebtField and legacyTrustedField are the names versions before the docs check used;
// portals provisioned by them keep their fields (found, never created twice).
const (
	legacyDealDebtField = "UF_CRM_B24PAY_DEBT"
	legacyTrustedField  = "UF_CRM_B24PAY_TRUSTED"
)

// TrustedFieldNames are the names of the «Доверенный клиент» flag on a client entity
// (CRM_COMPANY or CRM_CONTACT): the current one first, then the legacy one.
func TrustedFieldNames(entityID string) []string {
	return []string{"UF_" + entityID + "_B24PAY_TRUSTED", legacyTrustedField}
}

// The company card's totals of our payments to the counterparty («Платежи компании», issue 16),
// so Bitrix24's own reports can use them: the paid total (money) and the number of payments.
const (
	CompanyOutPaidField  = "UF_CRM_COMPANY_B24PAY_OUT_PAID"
	CompanyOutCountField = "UF_CRM_COMPANY_B24PAY_OUT_COUNT"
)

// SPA user-field postfixes (letters only, so crm.item's camelCase names are predictable: §8.1).
var spaFields = []struct{ Postfix, Type, Label string }{
	{"AMOUNT", "double", "Сумма платежа"},
	{"DUE_DATE", "date", "Дата платежа"},
	{"PAID", "double", "Оплачено"},
	{"NUMBER", "integer", "Номер платежа"},
	{"SCHEDULE", "integer", "ID графика"},
}

// spaFieldName is the full name of one of our SPA fields: UF_CRM_7_DUE_DATE.
func spaFieldName(typeID int, postfix string) string {
	return "UF_CRM_" + strconv.Itoa(typeID) + "_" + postfix
}

// userField is one field to make: its name, and older names that count as the same field.
type userField struct {
	EntityID, Name, Type, Label string
	Sort                        int
	Legacy                      []string
}

// existingUserFields lists the field names of an entity, following next (pages of 50, docs:
// userfieldconfig-list.md).
func existingUserFields(ctx context.Context, cl *bitrix.Client, entityID string) (map[string]bool, error) {
	have := map[string]bool{}
	for start := 0; ; {
		params := map[string]any{"moduleId": "crm", "filter": map[string]any{"entityId": entityID}, "start": start}
		resp, err := cl.CallIdempotent(ctx, "userfieldconfig.list", params)
		if err != nil {
			return nil, err
		}
		var page struct {
			Fields []struct {
				FieldName string `json:"fieldName"`
			} `json:"fields"`
		}
		if err := decode("userfieldconfig.list", resp.Result, &page); err != nil {
			return nil, err
		}
		for _, f := range page.Fields {
			have[f.FieldName] = true
		}
		if resp.Next <= start {
			return have, nil
		}
		start = resp.Next
	}
}

// ensureUserField returns the name the field has in the portal, creating it under its current name
// only when neither that nor a legacy name exists.
func ensureUserField(ctx context.Context, cl *bitrix.Client, have map[string]bool, f userField) (string, error) {
	for _, name := range append([]string{f.Name}, f.Legacy...) {
		if have[name] {
			return name, nil
		}
	}
	field := map[string]any{"entityId": f.EntityID, "fieldName": f.Name, "userTypeId": f.Type, "sort": f.Sort,
		"editFormLabel": map[string]string{"ru": f.Label}, "showFilter": "Y", "editInList": "Y"}
	if _, err := cl.Call(ctx, "userfieldconfig.add", map[string]any{"moduleId": "crm", "field": field}); err != nil {
		return "", fmt.Errorf("%s: %w", f.Name, err)
	}
	have[f.Name] = true
	return f.Name, nil
}

func ensureSPAFields(ctx context.Context, cl *bitrix.Client, v Provisioned) error {
	entityID := "CRM_" + strconv.Itoa(v.SPATypeID)
	have, err := existingUserFields(ctx, cl, entityID)
	if err != nil {
		return err
	}
	for i, f := range spaFields {
		uf := userField{EntityID: entityID, Name: spaFieldName(v.SPATypeID, f.Postfix), Type: f.Type, Label: f.Label, Sort: 100 + 10*i}
		if _, err := ensureUserField(ctx, cl, have, uf); err != nil {
			return err
		}
	}
	return nil
}

func ensureClientFields(ctx context.Context, cl *bitrix.Client, v *Provisioned) error {
	have, err := existingUserFields(ctx, cl, "CRM_DEAL")
	if err != nil {
		return err
	}
	debt := userField{EntityID: "CRM_DEAL", Name: DealDebtField, Type: "money", Label: "Остаток долга", Sort: 500,
		Legacy: []string{legacyDealDebtField}}
	if v.DealDebtField, err = ensureUserField(ctx, cl, have, debt); err != nil {
		return err
	}
	for _, entity := range []string{"CRM_COMPANY", "CRM_CONTACT"} {
		have, err := existingUserFields(ctx, cl, entity)
		if err != nil {
			return err
		}
		names := TrustedFieldNames(entity)
		trusted := userField{EntityID: entity, Name: names[0], Type: "boolean", Sort: 510,
			Label: "Доверенный клиент: отсрочка оплаты до 30 дней", Legacy: names[1:]}
		if _, err := ensureUserField(ctx, cl, have, trusted); err != nil {
			return err
		}
		if entity == "CRM_COMPANY" {
			if err := ensureCompanyTotals(ctx, cl, have); err != nil {
				return err
			}
		}
	}
	return nil
}

func ensureCompanyTotals(ctx context.Context, cl *bitrix.Client, have map[string]bool) error {
	for i, f := range []userField{
		{Name: CompanyOutPaidField, Type: "money", Label: "Оплачено нами по договорам (Платежи компании)"},
		{Name: CompanyOutCountField, Type: "integer", Label: "Количество наших платежей по договорам"},
	} {
		f.EntityID, f.Sort = "CRM_COMPANY", 520+10*i
		if _, err := ensureUserField(ctx, cl, have, f); err != nil {
			return err
		}
	}
	return nil
}
