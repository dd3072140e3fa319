package b24fake

import (
	"net/http"
	"reflect"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// itemEntityType validates entityTypeId for crm.item.* methods.
func itemEntityType(c *call) (int, error) {
	etid, ok := c.ps.int("entityTypeId")
	switch {
	case etid == etOldInvoice:
		return 0, &APIError{Status: http.StatusBadRequest, Code: "ENTITY_TYPE_NOT_SUPPORTED", Description: "Entity type is not supported"}
	case !ok || c.p.state.store(etid) == nil:
		return 0, notFound("Smart process not found")
	}
	return etid, nil
}

func (c *call) originalUF() bool { return asBool(c.ps.str("useOriginalUfNames")) }

func itemAdd(c *call) (any, error) {
	etid, err := itemEntityType(c)
	if err != nil {
		return nil, err
	}
	id, err := c.p.state.createItem(etid, c.ps.mapOf("fields"), c.userID)
	if err != nil {
		return nil, err
	}
	c.emitEntity(etid, "ADD", id)
	return map[string]any{"item": c.p.state.renderRecord(etid, id, c.originalUF(), nil)}, nil
}

func itemUpdate(c *call) (any, error) {
	etid, err := itemEntityType(c)
	if err != nil {
		return nil, err
	}
	id, _ := c.ps.int("id")
	changed, err := c.p.state.updateItem(etid, id, c.ps.mapOf("fields"), c.userID)
	if err != nil {
		return nil, err
	}
	if changed {
		c.emitEntity(etid, "UPDATE", id)
	}
	return map[string]any{"item": c.p.state.renderRecord(etid, id, c.originalUF(), nil)}, nil
}

func itemGet(c *call) (any, error) {
	etid, err := itemEntityType(c)
	if err != nil {
		return nil, err
	}
	id, _ := c.ps.int("id")
	if c.p.state.store(etid).rows[id] == nil {
		return nil, notFound("Элемент не найден")
	}
	return map[string]any{"item": c.p.state.renderRecord(etid, id, c.originalUF(), nil)}, nil
}

func itemDelete(c *call) (any, error) {
	etid, err := itemEntityType(c)
	if err != nil {
		return nil, err
	}
	id, _ := c.ps.int("id")
	if err := c.p.state.deleteItem(etid, id); err != nil {
		return nil, err
	}
	c.emitEntity(etid, "DELETE", id)
	return nil, nil
}

func itemList(c *call) (any, error) {
	etid, err := itemEntityType(c)
	if err != nil {
		return nil, err
	}
	ids, err := c.p.state.findIDs(c, etid, false)
	if err != nil {
		return nil, err
	}
	sel := selectList(c.ps)
	items := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		items = append(items, c.p.state.renderRecord(etid, id, c.originalUF(), sel))
	}
	return map[string]any{"items": items}, nil
}

type resolvedCond struct {
	cond
	key string
}

// findIDs filters, orders and pages an entity store; legacy selects UPPER_CASE field names.
func (s *state) findIDs(c *call, etid int, legacy bool) ([]int, error) {
	var conds []resolvedCond
	for _, cd := range parseFilter(c.ps.mapOf("filter")) {
		_, key, ok := s.resolveName(etid, cd.field, legacy)
		if !ok {
			return nil, badArg("Unknown field in filter: " + cd.field)
		}
		conds = append(conds, resolvedCond{cd, key})
	}
	orderRaw, _ := c.ps.lookup("order")
	var order []orderKey
	for _, k := range parseOrder(orderRaw) {
		_, key, ok := s.resolveName(etid, k.field, legacy)
		if !ok {
			return nil, badArg("Unknown field in order: " + k.field)
		}
		order = append(order, orderKey{field: key, desc: k.desc})
	}
	st := s.store(etid)
	byID := len(order) == 0 || (len(order) == 1 && order[0].field == "id" && !order[0].desc)
	start, _ := c.ps.int("start")
	var hits []int
	for _, id := range st.ids[idLowerBound(st.ids, conds):] {
		if recordMatches(st.rows[id], conds) {
			hits = append(hits, id)
			if byID && start < 0 && len(hits) == pageSize {
				break
			}
		}
	}
	if !byID {
		sortRecords(st, hits, order)
	}
	lo, hi := paginate(c, len(hits))
	return hits[lo:hi], nil
}

func (s *state) resolveName(etid int, name string, legacy bool) (fieldDef, string, bool) {
	if legacy {
		name = legacyToItemName(etid, name)
	}
	return s.fieldForFilter(etid, name)
}

func recordMatches(r record, conds []resolvedCond) bool {
	for _, cd := range conds {
		if !matches(r[cd.key], cd.op, cd.value) {
			return false
		}
	}
	return true
}

func sortRecords(st *entityStore, ids []int, order []orderKey) {
	sort.SliceStable(ids, func(i, j int) bool {
		a, b := st.rows[ids[i]], st.rows[ids[j]]
		for _, k := range order {
			c, ok := compareAny(a[k.field], valueString(b[k.field]))
			if !ok || c == 0 {
				continue
			}
			return (c < 0) != k.desc
		}
		return ids[i] < ids[j]
	})
}

// createItem stores a new object after applying defaults and the given fields.
func (s *state) createItem(etid int, fields map[string]any, userID int) (int, error) {
	rec := record{"entityTypeId": etid}
	now := s.now()
	for k, v := range map[string]any{"createdTime": now, "updatedTime": now, "createdBy": userID, "updatedBy": userID,
		"assignedById": userID, "opened": "Y"} {
		rec[k] = v
	}
	if hasMoney(etid) {
		rec["opportunity"], rec["currencyId"], rec["isManualOpportunity"], rec["taxValue"] = decimal.Zero, "RUB", "N", decimal.Zero
	}
	if etid == etSmartInvoic {
		rec["begindate"] = dateValue(now.In(moscow).Format("2006-01-02"))
		rec["closedate"] = dateValue(now.In(moscow).AddDate(0, 0, 7).Format("2006-01-02"))
	}
	if _, err := s.applyFields(etid, rec, fields, true); err != nil {
		return 0, err
	}
	id := s.store(etid).insert(rec)
	s.fillTitle(etid, id, rec)
	return id, nil
}

func hasMoney(etid int) bool { return etid != etContact && etid != etCompany }

func (s *state) fillTitle(etid, id int, rec record) {
	if etid == etSmartInvoic {
		rec["accountNumber"] = itoa(id)
	}
	if _, ok := rec["title"]; ok || etid == etContact {
		return
	}
	switch etid {
	case etSmartInvoic:
		rec["title"] = "Счёт №" + itoa(id)
	case etDeal:
		rec["title"] = "Сделка #" + itoa(id)
	case etLead:
		rec["title"] = "Лид #" + itoa(id)
	case etCompany:
		rec["title"] = "Компания #" + itoa(id)
	default:
		if t := s.typeByEntityTypeID(etid); t != nil {
			rec["title"] = t.title + " #" + itoa(id)
		}
	}
}

func (s *state) updateItem(etid, id int, fields map[string]any, userID int) (bool, error) {
	rec := s.store(etid).rows[id]
	if rec == nil {
		return false, notFound("Элемент не найден")
	}
	draft := make(record, len(rec))
	for k, v := range rec {
		draft[k] = v
	}
	changed, err := s.applyFields(etid, draft, fields, false)
	if err != nil || !changed {
		return false, err
	}
	draft["updatedTime"], draft["updatedBy"] = s.now(), userID
	for k := range rec {
		delete(rec, k)
	}
	for k, v := range draft {
		rec[k] = v
	}
	return true, nil
}

func (s *state) deleteItem(etid, id int) error {
	st := s.store(etid)
	if st.rows[id] == nil {
		return notFound("Элемент не найден")
	}
	st.remove(id)
	return nil
}

// applyFields writes known, writable fields; unknown ones are ignored as Bitrix24 does.
func (s *state) applyFields(etid int, rec record, fields map[string]any, isNew bool) (bool, error) {
	changed := false
	oldStage, _ := rec["stageId"].(string)
	for name, v := range fields {
		f, key, ok := s.fieldFor(etid, name)
		if !ok || f.readOnly {
			continue
		}
		if f.typ == fMulti {
			changed = s.applyMulti(rec, key, v) || changed
			continue
		}
		val, err := normalize(f, v)
		if err != nil {
			return false, err
		}
		if !reflect.DeepEqual(rec[key], val) {
			changed = true
			if val == nil {
				delete(rec, key)
			} else {
				rec[key] = val
			}
		}
	}
	if hasStages(etid) {
		if err := s.settleStage(etid, rec, oldStage, isNew); err != nil {
			return false, err
		}
	}
	return changed, nil
}

// settleStage fills the default pipeline and first stage and validates stageId.
func (s *state) settleStage(etid int, rec record, oldStage string, isNew bool) error {
	if etid != etLead {
		if _, ok := rec["categoryId"]; !ok {
			if def := s.defaultCategory(etid); def != nil {
				rec["categoryId"] = def.id
			}
		}
	}
	catID, _ := rec["categoryId"].(int)
	if etid != etLead && s.category(etid, catID) == nil {
		return invalidValue("categoryId")
	}
	stages := s.stagesOf(etid, catID)
	stageID, _ := rec["stageId"].(string)
	if stageID == "" || (!isNew && stageID == oldStage && s.stage(etid, catID, stageID) == nil) {
		if len(stages) > 0 {
			stageID = stages[0].statusID
			rec["stageId"] = stageID
		}
	}
	st := s.stage(etid, catID, stageID)
	if st == nil {
		return invalidValue("stageId")
	}
	if stageID != oldStage {
		if oldStage != "" {
			rec["previousStageId"] = oldStage
		}
		sem := "P"
		if st.semantics != "" {
			sem = st.semantics
		}
		rec["stageSemanticId"] = sem
	}
	return nil
}

// renderRecord renders one object as crm.item returns it; sel limits the fields (nil = all).
func (s *state) renderRecord(etid, id int, originalUF bool, sel []string) map[string]any {
	rec := s.store(etid).rows[id]
	out := map[string]any{}
	for _, f := range standardFields(etid) {
		if f.typ != fMulti {
			out[f.name] = renderItem(rec[f.name])
		}
	}
	for k, v := range rec {
		if parentField.MatchString(k) {
			out[k] = v
		}
	}
	for _, uf := range s.userFieldsOf(s.ufEntityID(etid)) {
		name := ufCamelName(uf.fieldName)
		if originalUF {
			name = uf.fieldName
		}
		out[name] = renderItem(rec[uf.fieldName])
	}
	return selectFields(out, sel, "id", func(n string) string {
		_, key, ok := s.fieldForFilter(etid, n)
		if !ok {
			return n
		}
		for _, uf := range s.userFieldsOf(s.ufEntityID(etid)) {
			if uf.fieldName == key && !originalUF {
				return ufCamelName(key)
			}
		}
		return key
	})
}

func selectFields(out map[string]any, sel []string, idKey string, canonical func(string) string) map[string]any {
	if sel == nil {
		return out
	}
	picked := map[string]any{idKey: out[idKey]}
	for _, n := range sel {
		if strings.HasSuffix(n, "*") {
			prefix := strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(n, "*"), "_"))
			for k, v := range out {
				if strings.HasPrefix(strings.ToLower(k), prefix) {
					picked[k] = v
				}
			}
			continue
		}
		k := canonical(n)
		if v, ok := out[k]; ok {
			picked[k] = v
		}
	}
	return picked
}

// idLowerBound skips ids that a ">id"/">=id" condition excludes (the fast traversal path).
func idLowerBound(ids []int, conds []resolvedCond) int {
	lo := 0
	for _, cd := range conds {
		n, ok := asInt(cd.value)
		if cd.key != "id" || !ok {
			continue
		}
		switch cd.op {
		case ">":
			lo = max(lo, sort.SearchInts(ids, n+1))
		case ">=":
			lo = max(lo, sort.SearchInts(ids, n))
		}
	}
	return lo
}
