package b24fake

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

var productRowFields = concat(
	[]fieldDef{{name: "id", typ: fInt, readOnly: true}, {name: "ownerId", typ: fInt}, {name: "ownerType", typ: fString}},
	defs(fInt, "productId", "discountTypeId", "measureCode", "sort", "type"),
	defs(fString, "productName", "measureName", "xmlId"),
	defs(fMoney, "price", "priceAccount", "priceExclusive", "priceNetto", "priceBrutto", "quantity", "discountRate", "discountSum", "taxRate"),
	defs(fChar, "taxIncluded", "customized"),
)

// ownerEntityType maps a product-row ownerType (D, L, SI, T<hex>) to an entityTypeId.
func ownerEntityType(ownerType string) (int, bool) {
	switch ownerType {
	case "L":
		return etLead, true
	case "D":
		return etDeal, true
	case "SI":
		return etSmartInvoic, true
	}
	if strings.HasPrefix(ownerType, "T") {
		n, err := strconv.ParseInt(ownerType[1:], 16, 32)
		return int(n), err == nil
	}
	return 0, false
}

// ownerTypeOf is the short code of an entity type for product rows.
func ownerTypeOf(etid int) string {
	switch etid {
	case etLead:
		return "L"
	case etDeal:
		return "D"
	case etSmartInvoic:
		return "SI"
	}
	return "T" + strconv.FormatInt(int64(etid), 16)
}

func (s *state) checkOwner(ownerType string, ownerID int) (int, error) {
	etid, ok := ownerEntityType(strings.ToUpper(ownerType))
	if !ok || s.store(etid) == nil {
		return 0, notFound("Owner type not found")
	}
	if s.store(etid).rows[ownerID] == nil {
		return 0, notFound("Элемент не найден")
	}
	return etid, nil
}

func (s *state) buildRow(base record, fields map[string]any) (record, error) {
	r := record{}
	for k, v := range base {
		r[k] = v
	}
	for name, v := range fields {
		for _, f := range productRowFields {
			if f.name != name || f.readOnly {
				continue
			}
			val, err := normalize(f, v)
			if err != nil {
				return nil, err
			}
			r[name] = val
		}
	}
	if _, ok := r["quantity"]; !ok {
		r["quantity"] = decimal.NewFromInt(1)
	}
	if _, ok := r["price"]; !ok {
		r["price"] = decimal.Zero
	}
	if t, ok := r["ownerType"].(string); ok {
		r["ownerType"] = strings.ToUpper(t)
	}
	return r, nil
}

func renderRow(r record) map[string]any {
	out := map[string]any{}
	for _, f := range productRowFields {
		out[f.name] = renderItem(r[f.name])
	}
	return out
}

func (s *state) rowsOf(ownerType string, ownerID int) []int {
	var out []int
	for _, id := range s.rows.ids {
		r := s.rows.rows[id]
		if r["ownerType"] == ownerType && r["ownerId"] == ownerID {
			out = append(out, id)
		}
	}
	return out
}

// recalcOpportunity recomputes the owner's amount from its rows unless it is manual.
func (s *state) recalcOpportunity(etid, ownerID int) {
	rec := s.store(etid).rows[ownerID]
	if rec == nil || rec["isManualOpportunity"] == "Y" {
		return
	}
	sum := decimal.Zero
	for _, id := range s.rowsOf(ownerTypeOf(etid), ownerID) {
		r := s.rows.rows[id]
		price, _ := r["price"].(decimal.Decimal)
		qty, _ := r["quantity"].(decimal.Decimal)
		sum = sum.Add(price.Mul(qty))
	}
	rec["opportunity"] = sum.Round(2)
}

func productRowSet(c *call) (any, error) {
	s := c.p.state
	ownerType := strings.ToUpper(c.ps.str("ownerType"))
	ownerID, _ := c.ps.int("ownerId")
	etid, err := s.checkOwner(ownerType, ownerID)
	if err != nil {
		return nil, err
	}
	raw, _ := c.ps.lookup("productRows")
	var built []record
	for _, x := range asList(raw) {
		r, err := s.buildRow(record{"ownerId": ownerID, "ownerType": ownerType}, asMap(x))
		if err != nil {
			return nil, err
		}
		built = append(built, r)
	}
	for _, id := range s.rowsOf(ownerType, ownerID) {
		s.rows.remove(id)
	}
	out := []map[string]any{}
	for _, r := range built {
		s.rows.insert(r)
		out = append(out, renderRow(r))
	}
	s.recalcOpportunity(etid, ownerID)
	return map[string]any{"productRows": out}, nil
}

func productRowAdd(c *call) (any, error) {
	s := c.p.state
	f := c.ps.mapOf("fields")
	ownerID, _ := asInt(f["ownerId"])
	etid, err := s.checkOwner(asString(f["ownerType"]), ownerID)
	if err != nil {
		return nil, err
	}
	r, err := s.buildRow(record{}, f)
	if err != nil {
		return nil, err
	}
	s.rows.insert(r)
	s.recalcOpportunity(etid, ownerID)
	return map[string]any{"productRow": renderRow(r)}, nil
}

func productRowUpdate(c *call) (any, error) {
	s := c.p.state
	id, _ := c.ps.int("id")
	old := s.rows.rows[id]
	if old == nil {
		return nil, notFound("Product row not found")
	}
	f := c.ps.mapOf("fields")
	delete(f, "ownerId")
	delete(f, "ownerType")
	r, err := s.buildRow(old, f)
	if err != nil {
		return nil, err
	}
	s.rows.rows[id] = r
	etid, _ := ownerEntityType(r["ownerType"].(string))
	s.recalcOpportunity(etid, r["ownerId"].(int))
	return map[string]any{"productRow": renderRow(r)}, nil
}

func productRowGet(c *call) (any, error) {
	id, _ := c.ps.int("id")
	r := c.p.state.rows.rows[id]
	if r == nil {
		return nil, notFound("Product row not found")
	}
	return map[string]any{"productRow": renderRow(r)}, nil
}

func productRowDelete(c *call) (any, error) {
	s := c.p.state
	id, _ := c.ps.int("id")
	r := s.rows.rows[id]
	if r == nil {
		return nil, notFound("Product row not found")
	}
	s.rows.remove(id)
	etid, _ := ownerEntityType(r["ownerType"].(string))
	s.recalcOpportunity(etid, r["ownerId"].(int))
	return nil, nil
}

func productRowList(c *call) (any, error) {
	s := c.p.state
	rows := make([]map[string]any, 0)
	for _, id := range s.rows.ids {
		rows = append(rows, renderRow(s.rows.rows[id]))
	}
	page, err := listMaps(c, rows, "id")
	return map[string]any{"productRows": page}, err
}

func productRowFieldsDesc(c *call) (any, error) {
	out := map[string]any{}
	for _, f := range productRowFields {
		out[f.name] = fieldDesc(itemFieldType(f), camelToUpper(f.name), f.readOnly)
	}
	return map[string]any{"fields": out}, nil
}

// ProductRows lists an owner's product rows (ownerType D, L, SI, T<hex>) as the REST API returns them.
func (p *Portal) ProductRows(ownerType string, ownerID int) []map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []map[string]any
	for _, id := range p.state.rowsOf(strings.ToUpper(ownerType), ownerID) {
		out = append(out, renderRow(p.state.rows.rows[id]))
	}
	return out
}
