package b24fake

import (
	"net/http"
	"regexp"
	"strings"
)

type spaType struct {
	id, etid  int
	title     string
	flags     map[string]string
	relations any
}

var typeFlags = []string{"isCategoriesEnabled", "isStagesEnabled", "isBeginCloseDatesEnabled", "isClientEnabled",
	"isLinkWithProductsEnabled", "isMycompanyEnabled", "isDocumentsEnabled", "isSourceEnabled", "isObserversEnabled",
	"isRecyclebinEnabled", "isAutomationEnabled", "isBizProcEnabled", "isSetOpenPermissions", "isUseInUserfieldEnabled"}

func (t *spaType) render() map[string]any {
	out := map[string]any{"id": t.id, "entityTypeId": t.etid, "title": t.title, "code": nil}
	for _, f := range typeFlags {
		out[f] = t.flags[f]
	}
	rel := t.relations
	if rel == nil {
		rel = map[string]any{"parent": []any{}, "child": []any{}}
	}
	out["relations"] = rel
	return out
}

func (s *state) typeByEntityTypeID(etid int) *spaType {
	for _, t := range s.types {
		if t.etid == etid {
			return t
		}
	}
	return nil
}

func (s *state) typeByID(id int) *spaType {
	for _, t := range s.types {
		if t.id == id {
			return t
		}
	}
	return nil
}

// addType creates a smart process with its default pipeline and stages.
func (s *state) addType(title string, etid int, fields map[string]any) (*spaType, error) {
	if etid != 0 {
		if !((etid >= 128 && etid <= 192) || (etid >= 1030 && etid%2 == 0)) || s.stores[etid] != nil {
			return nil, badArg("entityTypeId is out of range or already used")
		}
	} else {
		for etid = 128; s.stores[etid] != nil; etid++ {
		}
	}
	t := &spaType{id: s.nextTypeID, etid: etid, title: title, flags: map[string]string{}}
	s.nextTypeID++
	for _, f := range typeFlags {
		t.flags[f] = "N"
	}
	t.flags["isSetOpenPermissions"] = "Y"
	s.setTypeFields(t, fields)
	s.types = append(s.types, t)
	s.stores[etid] = newEntityStore()
	s.addCategory(etid, -1, "Общая", true)
	return t, nil
}

func (s *state) setTypeFields(t *spaType, fields map[string]any) {
	for _, f := range typeFlags {
		if v, ok := fields[f]; ok {
			t.flags[f] = yn(asBool(v))
		}
	}
	if v := asString(fields["title"]); v != "" {
		t.title = v
	}
	if v, ok := fields["relations"]; ok {
		t.relations = v
	}
}

func typeAdd(c *call) (any, error) {
	f := c.ps.mapOf("fields")
	title := asString(f["title"])
	if title == "" {
		return nil, badArg("title is required")
	}
	etid, _ := asInt(f["entityTypeId"])
	t, err := c.p.state.addType(title, etid, f)
	if err != nil {
		return nil, err
	}
	return map[string]any{"type": t.render()}, nil
}

func typeGet(c *call) (any, error) {
	id, _ := c.ps.int("id")
	t := c.p.state.typeByID(id)
	if t == nil {
		return nil, notFound("Smart process not found")
	}
	return map[string]any{"type": t.render()}, nil
}

func typeGetByEntityTypeID(c *call) (any, error) {
	etid, _ := c.ps.int("entityTypeId")
	t := c.p.state.typeByEntityTypeID(etid)
	if t == nil {
		return nil, notFound("Smart process not found")
	}
	return map[string]any{"type": t.render()}, nil
}

func typeList(c *call) (any, error) {
	var rows []map[string]any
	for _, t := range c.p.state.types {
		rows = append(rows, t.render())
	}
	page, err := listMaps(c, rows, "id")
	return map[string]any{"types": page}, err
}

func typeUpdate(c *call) (any, error) {
	id, _ := c.ps.int("id")
	t := c.p.state.typeByID(id)
	if t == nil {
		return nil, notFound("Smart process not found")
	}
	c.p.state.setTypeFields(t, c.ps.mapOf("fields"))
	return map[string]any{"type": t.render()}, nil
}

func typeDelete(c *call) (any, error) {
	id, _ := c.ps.int("id")
	s := c.p.state
	t := s.typeByID(id)
	if t == nil {
		return nil, notFound("Smart process not found")
	}
	if len(s.stores[t.etid].ids) > 0 {
		return nil, &APIError{Status: http.StatusBadRequest, Code: "ERROR_CORE", Description: "Smart process has items"}
	}
	delete(s.stores, t.etid)
	for i, x := range s.types {
		if x == t {
			s.types = append(s.types[:i], s.types[i+1:]...)
			break
		}
	}
	return nil, nil
}

func typeFields(c *call) (any, error) {
	out := map[string]any{"id": fieldDesc("integer", "ID", true), "entityTypeId": fieldDesc("integer", "ENTITY_TYPE_ID", false),
		"title": fieldDesc("string", "TITLE", false), "relations": fieldDesc("relations", "RELATIONS", false)}
	for _, f := range typeFlags {
		out[f] = fieldDesc("boolean", camelToUpper(f), false)
	}
	return map[string]any{"fields": out}, nil
}

func fieldDesc(typ, upper string, readOnly bool) map[string]any {
	return map[string]any{"type": typ, "isRequired": false, "isReadOnly": readOnly, "isImmutable": false,
		"isMultiple": false, "isDynamic": false, "title": upper, "upperName": upper}
}

// user fields

type userField struct {
	id                     int
	entityID, fieldName    string
	userTypeID, xmlID      string
	multiple, mandatory    bool
	sort                   int
	label, settings, enums any
}

func (u *userField) def() fieldDef {
	typ := fString
	switch u.userTypeID {
	case "integer", "employee", "enumeration":
		typ = fInt
	case "double":
		typ = fMoney
	case "boolean":
		typ = fChar
	case "date":
		typ = fDate
	case "datetime":
		typ = fDateTime
	}
	return fieldDef{name: u.fieldName, typ: typ, multiple: u.multiple}
}

func (u *userField) render() map[string]any {
	return map[string]any{"id": itoa(u.id), "entityId": u.entityID, "fieldName": u.fieldName, "userTypeId": u.userTypeID,
		"xmlId": u.xmlID, "sort": itoa(u.sort), "multiple": yn(u.multiple), "mandatory": yn(u.mandatory),
		"showFilter": "N", "showInList": "Y", "editInList": "Y", "isSearchable": "N", "settings": u.settings,
		"editFormLabel": u.label, "enum": u.enums}
}

func (s *state) userFieldsOf(entityID string) []*userField {
	var out []*userField
	for _, u := range s.userFields {
		if u.entityID == entityID {
			out = append(out, u)
		}
	}
	return out
}

var ufNamePattern = regexp.MustCompile(`^UF_CRM_[A-Z0-9_]+$`)

func cannotCreate(desc string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "ERROR_CORE", Description: desc}
}

// ufPrefix is the mandatory field-name prefix for a userFieldEntityId.
func (s *state) ufPrefix(entityID string) (string, bool) {
	switch entityID {
	case "CRM_LEAD", "CRM_DEAL", "CRM_CONTACT", "CRM_COMPANY":
		return "UF_CRM_", true
	case "CRM_SMART_INVOICE":
		return "UF_CRM_SMART_INVOICE_", true
	}
	id, ok := asInt(strings.TrimPrefix(entityID, "CRM_"))
	if !ok || !strings.HasPrefix(entityID, "CRM_") || s.typeByID(id) == nil {
		return "", false
	}
	return "UF_CRM_" + itoa(id) + "_", true
}

func (s *state) addUserField(f map[string]any) (*userField, error) {
	entityID, name, typ := asString(f["entityId"]), strings.ToUpper(asString(f["fieldName"])), asString(f["userTypeId"])
	prefix, ok := s.ufPrefix(entityID)
	switch {
	case !ok:
		return nil, cannotCreate("You cannot create custom fields for this entity")
	case typ == "":
		return nil, cannotCreate("userTypeId is required")
	case !strings.HasPrefix(name, prefix) || len(name) > 50 || !ufNamePattern.MatchString(name) || len(name) == len(prefix):
		return nil, cannotCreate("Invalid fieldName, expected " + prefix + "<POSTFIX>")
	}
	for _, u := range s.userFields {
		if u.fieldName == name {
			return nil, cannotCreate("Field " + name + " already exists")
		}
	}
	sortN, ok := asInt(f["sort"])
	if !ok {
		sortN = 100
	}
	u := &userField{id: s.nextUFID, entityID: entityID, fieldName: name, userTypeID: typ, xmlID: asString(f["xmlId"]),
		multiple: asBool(f["multiple"]), mandatory: asBool(f["mandatory"]), sort: sortN, label: f["editFormLabel"],
		settings: f["settings"], enums: f["enum"]}
	s.nextUFID++
	s.userFields = append(s.userFields, u)
	return u, nil
}

func requireCRMModule(c *call) error {
	if m := c.ps.str("moduleId"); m != "crm" {
		return badArg("moduleId must be crm")
	}
	return nil
}

func userFieldAdd(c *call) (any, error) {
	if err := requireCRMModule(c); err != nil {
		return nil, err
	}
	u, err := c.p.state.addUserField(c.ps.mapOf("field"))
	if err != nil {
		return nil, err
	}
	return map[string]any{"field": u.render()}, nil
}

func userFieldList(c *call) (any, error) {
	if err := requireCRMModule(c); err != nil {
		return nil, err
	}
	var rows []map[string]any
	for _, u := range c.p.state.userFields {
		rows = append(rows, u.render())
	}
	page, err := listMaps(c, rows, "id")
	return map[string]any{"fields": page}, err
}

func userFieldGet(c *call) (any, error) {
	id, _ := c.ps.int("id")
	for _, u := range c.p.state.userFields {
		if u.id == id {
			return map[string]any{"field": u.render()}, nil
		}
	}
	return nil, notFound("Field not found")
}

func userFieldDelete(c *call) (any, error) {
	id, _ := c.ps.int("id")
	s := c.p.state
	for i, u := range s.userFields {
		if u.id == id {
			s.userFields = append(s.userFields[:i], s.userFields[i+1:]...)
			return nil, nil
		}
	}
	return nil, notFound("Field not found")
}

// fieldDescriptions is crm.item.fields keyed by crm.item names (user fields by camel name).
func (s *state) fieldDescriptions(etid int) map[string]any {
	out := map[string]any{}
	for _, f := range standardFields(etid) {
		d := fieldDesc(itemFieldType(f), camelToUpper(f.name), f.readOnly)
		d["isMultiple"] = f.multiple
		d["title"] = f.name
		out[f.name] = d
	}
	for _, u := range s.userFieldsOf(s.ufEntityID(etid)) {
		d := fieldDesc(u.userTypeID, u.fieldName, false)
		d["isDynamic"], d["isMultiple"], d["isRequired"] = true, u.multiple, u.mandatory
		if l := asString(asMap(u.label)["ru"]); l != "" {
			d["title"] = l
		} else if s, ok := u.label.(string); ok && s != "" {
			d["title"] = s
		}
		d["settings"] = u.settings
		out[ufCamelName(u.fieldName)] = d
	}
	return out
}

func itemFieldType(f fieldDef) string {
	switch f.name {
	case "stageId", "previousStageId":
		return "crm_status"
	case "categoryId":
		return "crm_category"
	case "companyId", "mycompanyId":
		return "crm_company"
	case "contactId", "contactIds":
		return "crm_contact"
	case "currencyId":
		return "crm_currency"
	case "assignedById", "createdBy", "updatedBy", "observers":
		return "user"
	}
	if f.typ == fChar {
		return "boolean"
	}
	return f.typ.name()
}

func itemFields(c *call) (any, error) {
	etid, err := itemEntityType(c)
	if err != nil {
		return nil, err
	}
	desc := c.p.state.fieldDescriptions(etid)
	if c.originalUF() {
		for name, d := range desc {
			if strings.HasPrefix(name, "ufCrm") {
				delete(desc, name)
				desc[d.(map[string]any)["upperName"].(string)] = d
			}
		}
	}
	return map[string]any{"fields": desc}, nil
}
