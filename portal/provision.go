package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"b24pay/bitrix"
)

// SPATitle names the smart process that holds one item per instalment.
const SPATitle = "Платежи по графику"

// DealDebtField is the «Остаток долга» user field on deals.
const DealDebtField = "UF_CRM_B24PAY_DEBT"

// ClientTrustedField marks contacts and companies that may pay by invoice with a deferral.
const ClientTrustedField = "UF_CRM_B24PAY_TRUSTED"

// Stage codes of the instalment smart process, in pipeline order, with their Russian names.
var Stages = []struct{ Code, Name, Semantics string }{
	{"planned", "Запланирован", ""},
	{"invoiced", "Счёт выставлен", ""},
	{"partly_paid", "Оплачен частично", ""},
	{"overdue", "Просрочен", ""},
	{"paid", "Оплачен", "S"},
	{"cancelled", "Отменён", "F"},
}

// SPA user-field postfixes (letters only, so crm.item's camelCase names are predictable: §8.1).
var spaFields = []struct{ Postfix, Type, Label string }{
	{"AMOUNT", "double", "Сумма платежа"},
	{"DUE_DATE", "date", "Дата платежа"},
	{"PAID", "double", "Оплачено"},
	{"NUMBER", "integer", "Номер платежа"},
	{"SCHEDULE", "integer", "ID графика"},
}

// FieldName is the camelCase crm.item name of one of our SPA fields: UF_CRM_7_DUE_DATE → ufCrm7DueDate.
func (v Provisioned) FieldName(postfix string) string {
	var b strings.Builder
	b.WriteString("ufCrm" + strconv.Itoa(v.SPATypeID))
	for _, part := range strings.Split(strings.ToLower(postfix), "_") {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// StageCode maps a Bitrix24 STATUS_ID back to our stage code ("" when it is not one of ours).
func (v Provisioned) StageCode(statusID string) string {
	for code, id := range v.Stages {
		if id == statusID {
			return code
		}
	}
	return ""
}

// Handlers are the public URLs Bitrix24 calls back, and the payment routes to offer there.
type Handlers struct {
	Placement    string
	Events       string
	PaySystems   []PaySystem
	PaySystemKey string
	Robots       []Robot // business-process robots (see robots.go)
}

// EventNames are the events install binds.
var EventNames = []string{"ONCRMDYNAMICITEMUPDATE", "ONCRMDEALUPDATE", "ONCRMCONTACTUPDATE", "ONCRMCOMPANYUPDATE", "ONAPPUNINSTALL"}

// Provision creates in the portal what b24pay needs, creating nothing that already exists,
// so it is re-run on every install and update.
func Provision(ctx context.Context, cl *bitrix.Client, h Handlers) (Provisioned, error) {
	var v Provisioned
	steps := []struct {
		name string
		run  func() error
	}{
		{"smart process", func() error { return ensureSPA(ctx, cl, &v) }},
		{"smart process fields", func() error { return ensureSPAFields(ctx, cl, v) }},
		{"stages", func() error { return ensureStages(ctx, cl, &v) }},
		{"deal and client fields", func() error { return ensureDealField(ctx, cl, &v) }},
		{"placements", func() error { return ensurePlacements(ctx, cl, h.Placement) }},
		{"event bindings", func() error { return ensureEvents(ctx, cl, h.Events) }},
		{"pay systems", func() error { return EnsurePaySystems(ctx, cl, h.PaySystems, h.PaySystemKey) }},
		{"robots", func() error { return EnsureRobots(ctx, cl, h.Robots) }},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			return v, fmt.Errorf("provision %s: %w", s.name, err)
		}
	}
	return v, nil
}

func call(ctx context.Context, cl *bitrix.Client, method string, params any, out any) error {
	resp, err := cl.CallIdempotent(ctx, method, params)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Result, out); err != nil {
		return fmt.Errorf("%s: unexpected result: %w", method, err)
	}
	return nil
}

func ensureSPA(ctx context.Context, cl *bitrix.Client, v *Provisioned) error {
	var list struct {
		Types []struct {
			ID           int    `json:"id"`
			EntityTypeID int    `json:"entityTypeId"`
			Title        string `json:"title"`
		} `json:"types"`
	}
	if err := call(ctx, cl, "crm.type.list", map[string]any{"filter": map[string]any{"title": SPATitle}}, &list); err != nil {
		return err
	}
	for _, t := range list.Types {
		if t.Title == SPATitle {
			v.SPATypeID, v.SPAEntityTypeID = t.ID, t.EntityTypeID
			return nil
		}
	}
	rel := func(et int) map[string]any {
		return map[string]any{"entityTypeId": et, "isChildrenListEnabled": "true"}
	}
	fields := map[string]any{
		"title": SPATitle, "isStagesEnabled": "Y", "isClientEnabled": "Y", "isAutomationEnabled": "Y",
		"isBizProcEnabled": "Y", "isBeginCloseDatesEnabled": "N", "isSetOpenPermissions": "Y",
		"relations": map[string]any{"parent": []any{rel(2), rel(1)}},
	}
	// crm.type.add is not idempotent; a lost answer is repaired by the lookup above on the next run.
	resp, err := cl.Call(ctx, "crm.type.add", map[string]any{"fields": fields})
	if err != nil {
		return err
	}
	var added struct {
		Type struct {
			ID           int `json:"id"`
			EntityTypeID int `json:"entityTypeId"`
		} `json:"type"`
	}
	if err := json.Unmarshal(resp.Result, &added); err != nil || added.Type.EntityTypeID == 0 {
		return fmt.Errorf("crm.type.add: unexpected result %s", resp.Result)
	}
	v.SPATypeID, v.SPAEntityTypeID = added.Type.ID, added.Type.EntityTypeID
	return nil
}

func existingUserFields(ctx context.Context, cl *bitrix.Client, entityID string) (map[string]bool, error) {
	var list struct {
		Fields []struct {
			FieldName string `json:"fieldName"`
		} `json:"fields"`
	}
	params := map[string]any{"moduleId": "crm", "filter": map[string]any{"entityId": entityID}}
	if err := call(ctx, cl, "userfieldconfig.list", params, &list); err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, f := range list.Fields {
		have[strings.ToUpper(f.FieldName)] = true
	}
	return have, nil
}

func addUserField(ctx context.Context, cl *bitrix.Client, entityID, name, typ, label string, sort int) error {
	field := map[string]any{"entityId": entityID, "fieldName": name, "userTypeId": typ, "sort": sort,
		"editFormLabel": map[string]string{"ru": label}, "showFilter": "Y", "editInList": "Y"}
	_, err := cl.Call(ctx, "userfieldconfig.add", map[string]any{"moduleId": "crm", "field": field})
	if err != nil && strings.Contains(strings.ToLower(err.Error()), "already exists") {
		return nil
	}
	return err
}

func ensureSPAFields(ctx context.Context, cl *bitrix.Client, v Provisioned) error {
	entityID := "CRM_" + strconv.Itoa(v.SPATypeID)
	have, err := existingUserFields(ctx, cl, entityID)
	if err != nil {
		return err
	}
	for i, f := range spaFields {
		name := "UF_CRM_" + strconv.Itoa(v.SPATypeID) + "_" + f.Postfix
		if have[name] {
			continue
		}
		if err := addUserField(ctx, cl, entityID, name, f.Type, f.Label, 100+10*i); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

type statusRow struct {
	StatusID string `json:"STATUS_ID"`
	Name     string `json:"NAME"`
}

func ensureStages(ctx context.Context, cl *bitrix.Client, v *Provisioned) error {
	var cats struct {
		Categories []struct {
			ID        int    `json:"id"`
			IsDefault string `json:"isDefault"`
		} `json:"categories"`
	}
	if err := call(ctx, cl, "crm.category.list", map[string]any{"entityTypeId": v.SPAEntityTypeID}, &cats); err != nil {
		return err
	}
	for _, c := range cats.Categories {
		if c.IsDefault == "Y" || len(cats.Categories) == 1 {
			v.CategoryID = c.ID
		}
	}
	entityID := fmt.Sprintf("DYNAMIC_%d_STAGE_%d", v.SPAEntityTypeID, v.CategoryID)
	list := func() (map[string]string, error) {
		var rows []statusRow
		err := call(ctx, cl, "crm.status.list", map[string]any{"filter": map[string]any{"ENTITY_ID": entityID},
			"order": map[string]any{"SORT": "ASC"}}, &rows)
		byName := map[string]string{}
		for _, r := range rows {
			byName[r.Name] = r.StatusID
		}
		return byName, err
	}
	byName, err := list()
	if err != nil {
		return err
	}
	prefix := fmt.Sprintf("DT%d_%d:", v.SPAEntityTypeID, v.CategoryID)
	for i, s := range Stages {
		if byName[s.Name] != "" {
			continue
		}
		fields := map[string]any{"ENTITY_ID": entityID, "STATUS_ID": prefix + "B24PAY_" + strings.ToUpper(s.Code),
			"NAME": s.Name, "SORT": 1000 + 10*i}
		if s.Semantics != "" {
			fields["SEMANTICS"] = s.Semantics
		}
		if _, err := cl.Call(ctx, "crm.status.add", map[string]any{"fields": fields}); err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
	}
	if byName, err = list(); err != nil {
		return err
	}
	v.Stages = map[string]string{}
	for _, s := range Stages {
		if byName[s.Name] == "" {
			return fmt.Errorf("stage %q missing after creation", s.Name)
		}
		v.Stages[s.Code] = byName[s.Name]
	}
	return nil
}

func ensureDealField(ctx context.Context, cl *bitrix.Client, v *Provisioned) error {
	have, err := existingUserFields(ctx, cl, "CRM_DEAL")
	if err != nil {
		return err
	}
	v.DealDebtField = DealDebtField
	if !have[DealDebtField] {
		if err := addUserField(ctx, cl, "CRM_DEAL", DealDebtField, "money", "Остаток долга", 500); err != nil {
			return err
		}
	}
	for _, entity := range []string{"CRM_COMPANY", "CRM_CONTACT"} {
		have, err := existingUserFields(ctx, cl, entity)
		if err != nil {
			return err
		}
		if !have[ClientTrustedField] {
			if err := addUserField(ctx, cl, entity, ClientTrustedField, "boolean", "Доверенный клиент: отсрочка оплаты до 30 дней", 510); err != nil {
				return err
			}
		}
	}
	return nil
}

func ensurePlacements(ctx context.Context, cl *bitrix.Client, handler string) error {
	var bound []struct {
		Placement string `json:"placement"`
		Handler   string `json:"handler"`
	}
	if err := call(ctx, cl, "placement.get", nil, &bound); err != nil {
		return err
	}
	for _, code := range []string{"CRM_DEAL_DETAIL_TAB", "CRM_LEAD_DETAIL_TAB"} {
		exists := false
		for _, b := range bound {
			exists = exists || (b.Placement == code && b.Handler == handler)
		}
		if exists {
			continue
		}
		params := map[string]any{"PLACEMENT": code, "HANDLER": handler, "TITLE": "График платежей",
			"LANG_ALL": map[string]any{"ru": map[string]string{"TITLE": "График платежей"}, "en": map[string]string{"TITLE": "Payment schedule"}}}
		if _, err := cl.Call(ctx, "placement.bind", params); err != nil {
			return fmt.Errorf("%s: %w", code, err)
		}
	}
	return nil
}

func ensureEvents(ctx context.Context, cl *bitrix.Client, handler string) error {
	var bound []struct {
		Event   string `json:"event"`
		Handler string `json:"handler"`
	}
	if err := call(ctx, cl, "event.get", nil, &bound); err != nil {
		return err
	}
	for _, name := range EventNames {
		exists := false
		for _, b := range bound {
			exists = exists || (strings.EqualFold(b.Event, name) && b.Handler == handler)
		}
		if exists {
			continue
		}
		if _, err := cl.Call(ctx, "event.bind", map[string]any{"event": name, "handler": handler}); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}
