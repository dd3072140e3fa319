package b24fake

import (
	"net/http"
	"strings"
)

var requisitePresets = []map[string]any{
	{"ID": "1", "ENTITY_TYPE_ID": "8", "COUNTRY_ID": "1", "NAME": "Организация", "XML_ID": "#CRM_REQUISITE_PRESET_DEF_RU_COMPANY#", "ACTIVE": "Y", "SORT": "500"},
	{"ID": "2", "ENTITY_TYPE_ID": "8", "COUNTRY_ID": "1", "NAME": "ИП", "XML_ID": "#CRM_REQUISITE_PRESET_DEF_RU_INDIVIDUAL#", "ACTIVE": "Y", "SORT": "510"},
	{"ID": "3", "ENTITY_TYPE_ID": "8", "COUNTRY_ID": "1", "NAME": "Физ. лицо", "XML_ID": "#CRM_REQUISITE_PRESET_DEF_RU_PERSON#", "ACTIVE": "Y", "SORT": "520"},
}

func requisiteError(desc string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "ERROR_CORE", Description: desc}
}

// stringFields stores UPPER_CASE fields as strings, the way legacy methods return them.
func stringFields(in map[string]any) record {
	out := record{}
	for k, v := range in {
		k = strings.ToUpper(k)
		if k == "ID" {
			continue
		}
		out[k] = asString(v)
	}
	return out
}

func (s *state) validateRequisite(r record) error {
	etid, _ := asInt(r["ENTITY_TYPE_ID"])
	eid, _ := asInt(r["ENTITY_ID"])
	preset, _ := asInt(r["PRESET_ID"])
	switch {
	case etid != etContact && etid != etCompany:
		return requisiteError("ENTITY_TYPE_ID must be 3 (contact) or 4 (company)")
	case s.store(etid).rows[eid] == nil:
		return requisiteError("Entity not found")
	case preset < 1 || preset > len(requisitePresets):
		return requisiteError("Preset not found")
	case asString(r["NAME"]) == "":
		return requisiteError("NAME is required")
	}
	return nil
}

func requisiteAdd(c *call) (any, error) {
	s := c.p.state
	r := stringFields(c.ps.mapOf("fields"))
	if r["ACTIVE"] == nil {
		r["ACTIVE"] = "Y"
	}
	if err := s.validateRequisite(r); err != nil {
		return nil, err
	}
	r["DATE_CREATE"], r["CREATED_BY_ID"] = fmtDateTime(s.now()), itoa(c.userID)
	id := s.requisites.insert(r)
	c.emitEntity(etRequisite, "ADD", id)
	return id, nil
}

func requisiteUpdate(c *call) (any, error) {
	s := c.p.state
	id, _ := c.ps.int("id")
	r := s.requisites.rows[id]
	if r == nil {
		return nil, legacyNotFound()
	}
	draft := record{}
	for k, v := range r {
		draft[k] = v
	}
	for k, v := range stringFields(c.ps.mapOf("fields")) {
		draft[k] = v
	}
	if err := s.validateRequisite(draft); err != nil {
		return nil, err
	}
	for k, v := range draft {
		r[k] = v
	}
	c.emitEntity(etRequisite, "UPDATE", id)
	return true, nil
}

func renderRequisite(r record) map[string]any {
	out := map[string]any{}
	for k, v := range r {
		if k == "id" {
			out["ID"] = itoa(v.(int))
			continue
		}
		out[k] = v
	}
	return out
}

func requisiteGet(c *call) (any, error) {
	id, _ := c.ps.int("id")
	r := c.p.state.requisites.rows[id]
	if r == nil {
		return nil, legacyNotFound()
	}
	return renderRequisite(r), nil
}

func requisiteDelete(c *call) (any, error) {
	s := c.p.state
	id, _ := c.ps.int("id")
	if s.requisites.rows[id] == nil {
		return nil, legacyNotFound()
	}
	s.requisites.remove(id)
	c.emitEntity(etRequisite, "DELETE", id)
	return true, nil
}

func requisiteList(c *call) (any, error) {
	s := c.p.state
	rows := make([]map[string]any, 0, len(s.requisites.ids))
	for _, id := range s.requisites.ids {
		rows = append(rows, renderRequisite(s.requisites.rows[id]))
	}
	return listMaps(c, rows, "ID")
}

func requisiteFields(c *call) (any, error) {
	out := map[string]any{}
	for _, n := range []string{"ID", "ENTITY_TYPE_ID", "ENTITY_ID", "PRESET_ID", "NAME", "ACTIVE", "SORT", "XML_ID",
		"RQ_COMPANY_NAME", "RQ_COMPANY_FULL_NAME", "RQ_INN", "RQ_KPP", "RQ_OGRN", "RQ_OGRNIP", "RQ_OKPO", "RQ_OKVED",
		"RQ_DIRECTOR", "RQ_ACCOUNTANT", "RQ_CEO_NAME", "RQ_CEO_WORK_POS", "RQ_FIRST_NAME", "RQ_LAST_NAME", "RQ_SECOND_NAME", "RQ_VAT_PAYER"} {
		out[n] = fieldDesc("string", n, n == "ID")
	}
	return out, nil
}

func presetList(c *call) (any, error) {
	return listMaps(c, append([]map[string]any(nil), requisitePresets...), "ID")
}

func presetCountries(c *call) (any, error) {
	return []map[string]any{{"ID": 1, "CODE": "RU", "TITLE": "Россия"}, {"ID": 4, "CODE": "BY", "TITLE": "Беларусь"},
		{"ID": 6, "CODE": "KZ", "TITLE": "Казахстан"}}, nil
}

func requisiteLinkRegister(c *call) (any, error) {
	f := stringFields(c.ps.mapOf("fields"))
	s := c.p.state
	for i, l := range s.reqLinks {
		if l["ENTITY_TYPE_ID"] == f["ENTITY_TYPE_ID"] && l["ENTITY_ID"] == f["ENTITY_ID"] {
			s.reqLinks = append(s.reqLinks[:i], s.reqLinks[i+1:]...)
			break
		}
	}
	s.reqLinks = append(s.reqLinks, f)
	return true, nil
}

func requisiteLinkGet(c *call) (any, error) {
	et, id := c.ps.str("entityTypeId"), c.ps.str("entityId")
	for _, l := range c.p.state.reqLinks {
		if l["ENTITY_TYPE_ID"] == et && l["ENTITY_ID"] == id {
			return l, nil
		}
	}
	return nil, notFound("Link not found")
}

// Requisites lists the requisites of a contact (3) or company (4), UPPER_CASE fields.
func (p *Portal) Requisites(entityTypeID, entityID int) []map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []map[string]any
	for _, id := range p.state.requisites.ids {
		r := p.state.requisites.rows[id]
		if r["ENTITY_TYPE_ID"] == itoa(entityTypeID) && r["ENTITY_ID"] == itoa(entityID) {
			out = append(out, renderRequisite(r))
		}
	}
	return out
}
