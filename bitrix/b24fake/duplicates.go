package b24fake

import (
	"net/http"
	"strings"
)

// crm.duplicate.findbycomm (api-reference/crm/duplicates/crm-duplicate-find-by-comm.md): ids of
// the leads, contacts and companies having one of up to 20 e-mails or phones; phones compare by
// their digits (the extension is not considered). The docs' answer shows only the types that
// matched; with no match at all the portal's PHP serialises the empty array as [].

const maxDuplicateValues = 20

func duplicateError(code, desc string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: code, Description: desc}
}

func findByComm(c *call) (any, error) {
	typ := strings.ToUpper(c.ps.str("type"))
	key := map[string]string{"EMAIL": "email", "PHONE": "phone"}[typ]
	switch {
	case typ == "":
		return nil, duplicateError("Communication type is not defined", "Parameter 'type' is required.")
	case key == "":
		return nil, duplicateError("Communication type '"+typ+"' is not supported in current context", "")
	}
	raw, _ := c.ps.lookup("values")
	values := map[string]bool{}
	for _, v := range asList(raw) {
		if n := commKey(typ, asString(v)); n != "" && len(values) < maxDuplicateValues {
			values[n] = true
		}
	}
	if len(values) == 0 {
		return nil, duplicateError("Communication values is not defined", "")
	}
	types := map[string]int{"LEAD": etLead, "CONTACT": etContact, "COMPANY": etCompany}
	if et := strings.ToUpper(c.ps.str("entity_type")); et != "" {
		types = map[string]int{et: types[et]}
	}
	out := map[string]any{}
	for name, etid := range types {
		if ids := c.p.state.withComm(etid, key, typ, values); len(ids) > 0 {
			out[name] = ids
		}
	}
	if len(out) == 0 {
		return []any{}, nil
	}
	return out, nil
}

// commKey is how a value compares: e-mails case-insensitively, phones by their digits.
func commKey(typ, v string) string {
	v = strings.TrimSpace(v)
	if typ == "EMAIL" {
		return strings.ToLower(v)
	}
	var b strings.Builder
	for _, r := range v {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (s *state) withComm(etid int, key, typ string, values map[string]bool) []int {
	st := s.store(etid)
	if st == nil {
		return nil
	}
	var ids []int
	for _, id := range st.ids {
		rows, _ := st.rows[id][key].([]map[string]any)
		for _, r := range rows {
			if values[commKey(typ, asString(r["VALUE"]))] {
				ids = append(ids, id)
				break
			}
		}
	}
	return ids
}

func init() { methods["crm.duplicate.findbycomm"] = findByComm }
