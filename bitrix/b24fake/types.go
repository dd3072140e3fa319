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

var ufNamePattern = regexp.MustCompile(`^UF_[A-Z0-9_]+$`)

// ufError is how userfieldconfig.* refuse: HTTP 400, an empty code and the reason as text (docs:
// api-reference/crm/universal/userfieldconfig/userfieldconfig-add.md, "Possible Error Codes").
func ufError(desc string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "", Description: desc}
}

// ufEntityKnown tells whether entityID names a CRM object that takes user fields: the fixed ids of
// userfieldconfig/index.md, or CRM_{id} with the id (not entityTypeId) of a smart process.
func (s *state) ufEntityKnown(entityID string) bool {
	switch entityID {
	case "CRM_LEAD", "CRM_DEAL", "CRM_CONTACT", "CRM_COMPANY", "CRM_SMART_INVOICE":
		return true
	}
	id, ok := asInt(strings.TrimPrefix(entityID, "CRM_"))
	return ok && strings.HasPrefix(entityID, "CRM_") && s.typeByID(id) != nil
}

// addUserField is userfieldconfig.add: fieldName must be UF_{entityId}_{POSTFIX}, case-sensitive,
// A-Z 0-9 _ only, at most 50 characters.
func (s *state) addUserField(f map[string]any) (*userField, error) {
	entityID, name := asString(f["entityId"]), asString(f["fieldName"])
	prefix := "UF_" + entityID + "_"
	switch {
	case !s.ufEntityKnown(entityID):
		return nil, ufError("You cannot create custom fields")
	case asString(f["userTypeId"]) == "":
		return nil, ufError("The 'USER_TYPE_ID' field is not found")
	case name == "":
		return nil, ufError("The 'FIELD_NAME' field is not found")
	case !strings.HasPrefix(name, prefix) || len(name) > 50 || !ufNamePattern.MatchString(name) || len(name) == len(prefix):
		return nil, ufError("You cannot create custom fields")
	}
	return s.storeUserField(f)
}

// storeUserField saves a field whose name was already checked (or made by a legacy
// crm.<entity>.userfield.add, which only prefixes UF_CRM_).
func (s *state) storeUserField(f map[string]any) (*userField, error) {
	entityID, name, typ := asString(f["entityId"]), asString(f["fieldName"]), asString(f["userTypeId"])
	for _, u := range s.userFields {
		if u.entityID == entityID && u.fieldName == name {
			return nil, ufError("Field " + name + " already exists")
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

// requireCRMModule: our portal knows moduleId crm only; userfieldconfig.* also need the module's
// own scope (userfieldconfig-list.md: "The current method required more scopes. (crm)").
func requireCRMModule(c *call) error {
	if m := c.ps.str("moduleId"); m != "crm" {
		return ufError("No settings for UserFieldAccess")
	}
	if !c.p.hasScope("crm") {
		return ufError("The current method required more scopes. (crm)")
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
