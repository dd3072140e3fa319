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

// FieldName is the camelCase crm.item name of one of our SPA fields: UF_CRM_7_DUE_DATE → ufCrm7DueDate.
func (v Provisioned) FieldName(postfix string) string { return itemFieldName(v.SPATypeID, postfix) }

// itemFieldName is the crm.item name of the field UF_CRM_{typeID}_{postfix}.
func itemFieldName(typeID int, postfix string) string {
	var b strings.Builder
	b.WriteString("ufCrm" + strconv.Itoa(typeID))
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
	Robots       []Robot // business-process robots to register (may be empty)
}

// EventNames are the events install binds (ONCRMDYNAMICITEMADD: api-reference/crm/universal/events/on-crm-dynamic-item-add.md).
var EventNames = []string{"ONCRMDYNAMICITEMADD", "ONCRMDYNAMICITEMUPDATE", "ONCRMDEALUPDATE", "ONCRMCONTACTUPDATE", "ONCRMCOMPANYUPDATE", "ONAPPUNINSTALL"}

// Provision creates in the portal what b24pay needs, creating nothing that already exists,
// so it is re-run on every install and update. Every step looks up what exists before it creates,
// so a retry after a refused step finishes the work without duplicates. A refused step is a
// *StepError naming it.
func Provision(ctx context.Context, cl *bitrix.Client, h Handlers) (Provisioned, error) {
	var v Provisioned
	steps := []struct {
		step Step
		run  func() error
	}{
		{StepSmartProcess, func() error { return ensureSPA(ctx, cl, &v) }},
		{StepSmartProcessFields, func() error { return ensureSPAFields(ctx, cl, v) }},
		{StepStages, func() error { return ensureStages(ctx, cl, &v) }},
		{StepClientFields, func() error { return ensureClientFields(ctx, cl, &v) }},
		{StepPlacements, func() error { return ensurePlacements(ctx, cl, h.Placement) }},
		{StepEvents, func() error { return ensureEvents(ctx, cl, h.Events) }},
		{StepPaySystems, func() error {
			n, err := ensurePaySystems(ctx, cl, h.PaySystems, h.PaySystemKey)
			v.PaySystems = n
			return err
		}},
		{StepRobots, func() error { return EnsureRobots(ctx, cl, h.Robots) }},
		{StepCompanyPayments, func() error { return ensureCompanyPayments(ctx, cl, &v.CompanyPayments) }},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			return v, &StepError{Step: s.step, Err: err}
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
	return decode(method, resp.Result, out)
}

func decode(method string, raw json.RawMessage, out any) error {
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s: unexpected result: %w", method, err)
	}
	return nil
}

func ensureSPA(ctx context.Context, cl *bitrix.Client, v *Provisioned) error {
	rel := func(et int) map[string]any {
		return map[string]any{"entityTypeId": et, "isChildrenListEnabled": "true"}
	}
	var err error
	v.SPATypeID, v.SPAEntityTypeID, err = ensureType(ctx, cl, SPATitle,
		map[string]any{"relations": map[string]any{"parent": []any{rel(2), rel(1)}}})
	return err
}

// ensureType finds the smart process by title or creates it (docs: api-reference/crm/universal/
// user-defined-object-types/crm-type-add.md); extra fields are added to the creation's fields.
// It returns the type's id and its entityTypeId.
func ensureType(ctx context.Context, cl *bitrix.Client, title string, extra map[string]any) (int, int, error) {
	var list struct {
		Types []struct {
			ID           int    `json:"id"`
			EntityTypeID int    `json:"entityTypeId"`
			Title        string `json:"title"`
		} `json:"types"`
	}
	if err := call(ctx, cl, "crm.type.list", map[string]any{"filter": map[string]any{"title": title}}, &list); err != nil {
		return 0, 0, err
	}
	for _, t := range list.Types {
		if t.Title == title {
			return t.ID, t.EntityTypeID, nil
		}
	}
	fields := map[string]any{
		"title": title, "isStagesEnabled": "Y", "isClientEnabled": "Y", "isAutomationEnabled": "Y",
		"isBizProcEnabled": "Y", "isBeginCloseDatesEnabled": "N", "isSetOpenPermissions": "Y",
	}
	for k, x := range extra {
		fields[k] = x
	}
	// crm.type.add is not idempotent; a lost answer is repaired by the lookup above on the next run.
	resp, err := cl.Call(ctx, "crm.type.add", map[string]any{"fields": fields})
	if err != nil {
		return 0, 0, err
	}
	var added struct {
		Type struct {
			ID           int `json:"id"`
			EntityTypeID int `json:"entityTypeId"`
		} `json:"type"`
	}
	if err := json.Unmarshal(resp.Result, &added); err != nil || added.Type.EntityTypeID == 0 {
		return 0, 0, fmt.Errorf("crm.type.add: unexpected result %s", resp.Result)
	}
	return added.Type.ID, added.Type.EntityTypeID, nil
}

func ensurePlacements(ctx context.Context, cl *bitrix.Client, handler string) error {
	var bound []struct {
		Placement string `json:"placement"`
		Handler   string `json:"handler"`
	}
	if err := call(ctx, cl, "placement.get", nil, &bound); err != nil {
		return err
	}
	for _, tab := range detailTabs {
		exists := false
		for _, b := range bound {
			exists = exists || (b.Placement == tab.code && b.Handler == handler)
		}
		if exists {
			continue
		}
		params := map[string]any{"PLACEMENT": tab.code, "HANDLER": handler, "TITLE": tab.ru,
			"LANG_ALL": map[string]any{"ru": map[string]string{"TITLE": tab.ru}, "en": map[string]string{"TITLE": tab.en}}}
		if _, err := cl.Call(ctx, "placement.bind", params); err != nil {
			return fmt.Errorf("%s: %w", tab.code, err)
		}
	}
	return nil
}

// detailTabs are the CRM card tabs the app adds (bitrix24/b24restdocs
// api-reference/widgets/crm/detail-tab.md): the payment schedule of a deal or lead, and the
// subscriptions of a contact or company.
var detailTabs = []struct{ code, ru, en string }{
	{"CRM_DEAL_DETAIL_TAB", "График платежей", "Payment schedule"},
	{"CRM_LEAD_DETAIL_TAB", "График платежей", "Payment schedule"},
	{"CRM_CONTACT_DETAIL_TAB", "Подписки", "Subscriptions"},
	{"CRM_COMPANY_DETAIL_TAB", "Подписки", "Subscriptions"},
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
