package b24fake

// Bank details (crm.requisite.bankdetail.*) and addresses (crm.address.*) of requisites.

func bankDetailAdd(c *call) (any, error) {
	s := c.p.state
	f := stringFields(c.ps.mapOf("fields"))
	reqID, _ := asInt(f["ENTITY_ID"])
	if s.requisites.rows[reqID] == nil {
		return nil, requisiteError("Requisite not found")
	}
	if asString(f["NAME"]) == "" {
		return nil, requisiteError("NAME is required")
	}
	return s.bankDetails.insert(f), nil
}

func bankDetailUpdate(c *call) (any, error) {
	id, _ := c.ps.int("id")
	r := c.p.state.bankDetails.rows[id]
	if r == nil {
		return nil, legacyNotFound()
	}
	for k, v := range stringFields(c.ps.mapOf("fields")) {
		if k != "ENTITY_ID" {
			r[k] = v
		}
	}
	return true, nil
}

func bankDetailGet(c *call) (any, error) {
	id, _ := c.ps.int("id")
	r := c.p.state.bankDetails.rows[id]
	if r == nil {
		return nil, legacyNotFound()
	}
	return renderRequisite(r), nil
}

func bankDetailList(c *call) (any, error) {
	s := c.p.state
	rows := make([]map[string]any, 0, len(s.bankDetails.ids))
	for _, id := range s.bankDetails.ids {
		rows = append(rows, renderRequisite(s.bankDetails.rows[id]))
	}
	return listMaps(c, rows, "ID")
}

func bankDetailDelete(c *call) (any, error) {
	id, _ := c.ps.int("id")
	if c.p.state.bankDetails.rows[id] == nil {
		return nil, legacyNotFound()
	}
	c.p.state.bankDetails.remove(id)
	return true, nil
}

// addressKey: an address is identified by TYPE_ID, ENTITY_TYPE_ID and ENTITY_ID.
func addressKey(r record) [3]string {
	return [3]string{asString(r["TYPE_ID"]), asString(r["ENTITY_TYPE_ID"]), asString(r["ENTITY_ID"])}
}

func addressAdd(c *call) (any, error) {
	s := c.p.state
	f := stringFields(c.ps.mapOf("fields"))
	if f["TYPE_ID"] == "" || f["ENTITY_TYPE_ID"] == "" || f["ENTITY_ID"] == "" {
		return nil, requisiteError("TYPE_ID, ENTITY_TYPE_ID and ENTITY_ID are required")
	}
	for _, a := range s.addresses {
		if addressKey(a) == addressKey(f) {
			return nil, requisiteError("Address already exists")
		}
	}
	s.addresses = append(s.addresses, f)
	return true, nil
}

func addressUpdate(c *call) (any, error) {
	f := stringFields(c.ps.mapOf("fields"))
	for _, a := range c.p.state.addresses {
		if addressKey(a) == addressKey(f) {
			for k, v := range f {
				a[k] = v
			}
			return true, nil
		}
	}
	return nil, legacyNotFound()
}

func addressDelete(c *call) (any, error) {
	s := c.p.state
	f := stringFields(c.ps.mapOf("fields"))
	for i, a := range s.addresses {
		if addressKey(a) == addressKey(f) {
			s.addresses = append(s.addresses[:i], s.addresses[i+1:]...)
			return true, nil
		}
	}
	return nil, legacyNotFound()
}

func addressList(c *call) (any, error) {
	rows := make([]map[string]any, 0, len(c.p.state.addresses))
	for _, a := range c.p.state.addresses {
		rows = append(rows, map[string]any(a))
	}
	return listMaps(c, rows, "ENTITY_ID")
}
