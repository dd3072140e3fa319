package b24fake

import (
	"regexp"
	"strings"
)

type fieldType int

const (
	fString fieldType = iota
	fInt
	fMoney
	fChar
	fDate
	fDateTime
	fIntList
	fMulti // PHONE, EMAIL, WEB, IM multi-fields (legacy methods only)
)

func (t fieldType) name() string {
	return [...]string{"string", "integer", "double", "char", "date", "datetime", "integer", "crm_multifield"}[t]
}

type fieldDef struct {
	name     string // crm.item (camelCase) name
	typ      fieldType
	readOnly bool
	multiple bool
	title    string
}

// Entity type ids (reference §0).
const (
	etLead        = 1
	etDeal        = 2
	etContact     = 3
	etCompany     = 4
	etOldInvoice  = 5
	etRequisite   = 8
	etSmartInvoic = 31
)

func defs(typ fieldType, names ...string) []fieldDef {
	out := make([]fieldDef, len(names))
	for i, n := range names {
		out[i] = fieldDef{name: n, typ: typ, multiple: typ == fIntList || typ == fMulti}
	}
	return out
}

func concat(groups ...[]fieldDef) []fieldDef {
	var out []fieldDef
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

var (
	systemFields = []fieldDef{
		{name: "id", typ: fInt, readOnly: true}, {name: "entityTypeId", typ: fInt, readOnly: true},
		{name: "createdTime", typ: fDateTime, readOnly: true}, {name: "updatedTime", typ: fDateTime, readOnly: true},
		{name: "createdBy", typ: fInt, readOnly: true}, {name: "updatedBy", typ: fInt, readOnly: true},
	}
	ownedFields  = concat(defs(fInt, "assignedById"), defs(fString, "xmlId", "comments", "originatorId", "originId"), defs(fChar, "opened"))
	stageFields  = concat(defs(fInt, "categoryId"), defs(fString, "stageId"), []fieldDef{{name: "previousStageId", typ: fString, readOnly: true}, {name: "stageSemanticId", typ: fString, readOnly: true}})
	moneyFields  = concat(defs(fMoney, "opportunity", "taxValue"), defs(fString, "currencyId"), defs(fChar, "isManualOpportunity"))
	clientFields = concat(defs(fInt, "companyId", "contactId"), defs(fIntList, "contactIds"))
	dateFields   = defs(fDate, "begindate", "closedate")
	multiFields  = defs(fMulti, "phone", "email", "web", "im")
	personFields = concat(defs(fString, "name", "lastName", "secondName", "honorific", "post", "typeId", "sourceId", "sourceDescription"), defs(fDate, "birthdate"))
)

var parentField = regexp.MustCompile(`^parentId\d+$`)

type fieldSet struct {
	list   []fieldDef
	byName map[string]fieldDef
}

var fieldSets = map[int]fieldSet{}

func init() {
	for _, etid := range []int{etLead, etDeal, etContact, etCompany, etSmartInvoic, 0} {
		set := fieldSet{list: buildFields(etid), byName: map[string]fieldDef{}}
		for _, f := range set.list {
			set.byName[f.name] = f
		}
		fieldSets[etid] = set
	}
}

func fieldsOf(etid int) fieldSet {
	if set, ok := fieldSets[etid]; ok {
		return set
	}
	return fieldSets[0]
}

// standardFields lists the non-UF fields crm.item.* knows for an entity type.
func standardFields(etid int) []fieldDef { return fieldsOf(etid).list }

func buildFields(etid int) []fieldDef {
	title := defs(fString, "title")
	switch etid {
	case etLead:
		return concat(systemFields, ownedFields, title, stageFields, moneyFields, clientFields, personFields, multiFields, defs(fString, "companyTitle"))
	case etDeal:
		return concat(systemFields, ownedFields, title, stageFields, moneyFields, clientFields, dateFields,
			defs(fString, "typeId", "sourceId", "sourceDescription"), defs(fInt, "probability", "leadId"))
	case etContact:
		return concat(systemFields, ownedFields, personFields, multiFields, defs(fInt, "companyId"), defs(fIntList, "companyIds"), defs(fChar, "export"))
	case etCompany:
		return concat(systemFields, ownedFields, title, multiFields, defs(fString, "companyType", "industry", "currencyId", "addressLegal"), defs(fMoney, "revenue"), defs(fChar, "isMyCompany"), defs(fIntList, "contactIds"))
	case etSmartInvoic:
		return concat(systemFields, ownedFields, title, stageFields, moneyFields, clientFields, dateFields,
			defs(fInt, "mycompanyId"), defs(fString, "accountNumber"), defs(fIntList, "observers"))
	default:
		return concat(systemFields, ownedFields, title, stageFields, moneyFields, clientFields, dateFields,
			defs(fInt, "mycompanyId"), defs(fIntList, "observers"))
	}
}

// ufEntityID is the userFieldEntityId of an entity type (reference §0); SPA uses the type's id.
func (s *state) ufEntityID(etid int) string {
	switch etid {
	case etLead:
		return "CRM_LEAD"
	case etDeal:
		return "CRM_DEAL"
	case etContact:
		return "CRM_CONTACT"
	case etCompany:
		return "CRM_COMPANY"
	case etSmartInvoic:
		return "CRM_SMART_INVOICE"
	}
	if t := s.typeByEntityTypeID(etid); t != nil {
		return "CRM_" + itoa(t.id)
	}
	return ""
}

// fieldFor resolves a crm.item input name to its definition and storage key.
// User fields are stored under their UF_CRM_ name and accepted in either spelling.
func (s *state) fieldFor(etid int, name string) (fieldDef, string, bool) {
	if f, ok := fieldsOf(etid).byName[name]; ok {
		return f, f.name, true
	}
	if parentField.MatchString(name) {
		return fieldDef{name: name, typ: fInt}, name, true
	}
	for _, uf := range s.userFieldsOf(s.ufEntityID(etid)) {
		if name == uf.fieldName || name == ufCamelName(uf.fieldName) {
			return uf.def(), uf.fieldName, true
		}
	}
	return fieldDef{}, "", false
}

// fieldForFilter resolves a filter/order/select name case-insensitively.
func (s *state) fieldForFilter(etid int, name string) (fieldDef, string, bool) {
	if f, key, ok := s.fieldFor(etid, name); ok {
		return f, key, true
	}
	for _, f := range standardFields(etid) {
		if strings.EqualFold(f.name, name) || strings.EqualFold(camelToUpper(f.name), name) {
			return f, f.name, true
		}
	}
	if strings.HasPrefix(strings.ToUpper(name), "PARENT_ID_") {
		c := upperToCamel(name)
		return fieldDef{name: c, typ: fInt}, c, true
	}
	for _, uf := range s.userFieldsOf(s.ufEntityID(etid)) {
		if strings.EqualFold(name, uf.fieldName) || strings.EqualFold(name, ufCamelName(uf.fieldName)) {
			return uf.def(), uf.fieldName, true
		}
	}
	return fieldDef{}, "", false
}

func hasStages(etid int) bool { return etid != etContact && etid != etCompany }
