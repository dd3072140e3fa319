package b24fake

import (
	"strings"
)

// Legacy crm.<entity>.* methods speak UPPER_CASE over the same objects crm.item.* uses.

var legacyRenames = map[string]string{
	"createdTime": "DATE_CREATE", "updatedTime": "DATE_MODIFY", "createdBy": "CREATED_BY_ID", "updatedBy": "MODIFY_BY_ID",
}

func itemToLegacyName(etid int, name string) string {
	if strings.HasPrefix(name, "UF_") {
		return name
	}
	if etid == etLead {
		switch name {
		case "stageId":
			return "STATUS_ID"
		case "stageSemanticId":
			return "STATUS_SEMANTIC_ID"
		}
	}
	if n, ok := legacyRenames[name]; ok {
		return n
	}
	return camelToUpper(name)
}

func legacyToItemName(etid int, name string) string {
	up := strings.ToUpper(name)
	if strings.HasPrefix(up, "UF_") {
		return up
	}
	if etid == etLead && up == "STATUS_ID" {
		return "stageId"
	}
	for camel, legacy := range legacyRenames {
		if legacy == up {
			return camel
		}
	}
	return upperToCamel(up)
}

func legacyFields(etid int, in map[string]any) map[string]any {
	out := make(map[string]any, len(in))
	for k, v := range in {
		out[legacyToItemName(etid, k)] = v
	}
	return out
}

// legacy builds the handlers of crm.<entity>.* for one entity type.
func legacy(etid int) map[string]handler {
	return map[string]handler{
		"add": func(c *call) (any, error) {
			id, err := c.p.state.createItem(etid, legacyFields(etid, c.ps.mapOf("fields")), c.userID)
			if err != nil {
				return nil, err
			}
			c.emitEntity(etid, "ADD", id)
			return id, nil
		},
		"update": func(c *call) (any, error) {
			id, _ := c.ps.int("id")
			if c.p.state.store(etid).rows[id] == nil {
				return nil, legacyNotFound()
			}
			changed, err := c.p.state.updateItem(etid, id, legacyFields(etid, c.ps.mapOf("fields")), c.userID)
			if err != nil {
				return nil, err
			}
			if changed {
				c.emitEntity(etid, "UPDATE", id)
			}
			return true, nil
		},
		"get": func(c *call) (any, error) {
			id, _ := c.ps.int("id")
			if c.p.state.store(etid).rows[id] == nil {
				return nil, legacyNotFound()
			}
			if !c.p.canRead(c.userID, etid, id) {
				return nil, accessDenied("crm.deal.get")
			}
			return c.p.state.renderLegacyRecord(etid, id, nil), nil
		},
		"delete": func(c *call) (any, error) {
			id, _ := c.ps.int("id")
			if c.p.state.store(etid).rows[id] == nil {
				return nil, legacyNotFound()
			}
			_ = c.p.state.deleteItem(etid, id)
			c.emitEntity(etid, "DELETE", id)
			return true, nil
		},
		"list": func(c *call) (any, error) {
			ids, err := c.p.state.findIDs(c, etid, true)
			if err != nil {
				return nil, err
			}
			sel := selectList(c.ps)
			out := make([]map[string]any, 0, len(ids))
			for _, id := range ids {
				out = append(out, c.p.state.renderLegacyRecord(etid, id, sel))
			}
			return out, nil
		},
		"fields": func(c *call) (any, error) {
			out := map[string]any{}
			for name, d := range c.p.state.fieldDescriptions(etid) {
				out[itemToLegacyName(etid, name)] = d
			}
			return out, nil
		},
	}
}

func (s *state) renderLegacyRecord(etid, id int, sel []string) map[string]any {
	rec := s.store(etid).rows[id]
	out := map[string]any{}
	for _, f := range standardFields(etid) {
		if f.typ == fMulti {
			if rows, ok := rec[f.name].([]map[string]any); ok && len(rows) > 0 {
				out[strings.ToUpper(f.name)] = renderMulti(rows)
			}
			continue
		}
		out[itemToLegacyName(etid, f.name)] = renderLegacy(rec[f.name])
	}
	for k, v := range rec {
		if parentField.MatchString(k) {
			out[camelToUpper(k)] = renderLegacy(v)
		}
	}
	for _, uf := range s.userFieldsOf(s.ufEntityID(etid)) {
		out[uf.fieldName] = renderLegacy(rec[uf.fieldName])
	}
	delete(out, "ENTITY_TYPE_ID")
	return selectFields(out, sel, "ID", strings.ToUpper)
}

func renderMulti(rows []map[string]any) []map[string]any {
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		out[i] = map[string]any{"ID": itoa(r["ID"].(int)), "VALUE_TYPE": r["VALUE_TYPE"], "VALUE": r["VALUE"], "TYPE_ID": r["TYPE_ID"]}
	}
	return out
}

// applyMulti follows legacy multi-field semantics: rows without ID are added, rows with ID are
// changed, or deleted when DELETE=Y or VALUE is empty; unmentioned rows stay.
func (s *state) applyMulti(rec record, key string, v any) bool {
	rows, _ := rec[key].([]map[string]any)
	changed := false
	for _, x := range asList(v) {
		in := asMap(x)
		if in == nil {
			continue
		}
		id, hasID := asInt(in["ID"])
		value := asString(in["VALUE"])
		if !hasID {
			if value == "" {
				continue
			}
			vt := asString(in["VALUE_TYPE"])
			if vt == "" {
				vt = "WORK"
			}
			rows = append(rows, map[string]any{"ID": s.nextMultiID, "VALUE": value, "VALUE_TYPE": vt, "TYPE_ID": strings.ToUpper(key)})
			s.nextMultiID++
			changed = true
			continue
		}
		for i, r := range rows {
			if r["ID"] != id {
				continue
			}
			if asBool(in["DELETE"]) || value == "" {
				rows = append(rows[:i], rows[i+1:]...)
			} else {
				r["VALUE"] = value
				if vt := asString(in["VALUE_TYPE"]); vt != "" {
					r["VALUE_TYPE"] = vt
				}
			}
			changed = true
			break
		}
	}
	rec[key] = rows
	return changed
}
