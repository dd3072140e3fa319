package b24fake

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

type category struct {
	id, etid, sort int
	name           string
	isDefault      bool
}

type statusRow struct {
	id, sort, categoryID int // categoryID -1 = none (leads)
	etid                 int
	entityID, statusID   string
	name, semantics      string
	color                string
}

// stageEntityID is the crm.status ENTITY_ID of a pipeline's stages (reference §9.3, §10).
func stageEntityID(etid, catID int) string {
	switch {
	case etid == etLead:
		return "STATUS"
	case etid == etDeal && catID == 0:
		return "DEAL_STAGE"
	case etid == etDeal:
		return fmt.Sprintf("DEAL_STAGE_%d", catID)
	case etid == etSmartInvoic:
		return fmt.Sprintf("SMART_INVOICE_STAGE_%d", catID)
	}
	return fmt.Sprintf("DYNAMIC_%d_STAGE_%d", etid, catID)
}

// stagePrefix is what precedes the stage code in stageId.
func stagePrefix(etid, catID int) string {
	switch {
	case etid == etLead || (etid == etDeal && catID == 0):
		return ""
	case etid == etDeal:
		return fmt.Sprintf("C%d:", catID)
	}
	return fmt.Sprintf("DT%d_%d:", etid, catID)
}

func defaultStages(etid int) [][3]string {
	switch etid {
	case etDeal:
		return [][3]string{{"NEW", "Новая", ""}, {"PREPARATION", "Подготовка документов", ""},
			{"PREPAYMENT_INVOICE", "Счёт на предоплату", ""}, {"EXECUTING", "В работе", ""},
			{"FINAL_INVOICE", "Финальный счёт", ""}, {"WON", "Сделка успешна", "S"}, {"LOSE", "Сделка провалена", "F"}}
	case etSmartInvoic:
		return [][3]string{{"N", "Новый", ""}, {"S", "Отправлен клиенту", ""}, {"P", "Оплачен", "S"}, {"D", "Отклонён", "F"}}
	}
	return [][3]string{{"NEW", "Начало", ""}, {"PREPARATION", "Подготовка", ""}, {"CLIENT", "Согласование", ""},
		{"SUCCESS", "Успех", "S"}, {"FAIL", "Провал", "F"}}
}

func (s *state) addCategory(etid, id int, name string, isDefault bool) *category {
	if id <= 0 && !(etid == etDeal && id == 0 && isDefault) {
		id = s.nextCatID
		s.nextCatID++
	}
	c := &category{id: id, etid: etid, name: name, isDefault: isDefault, sort: 100 * (len(s.categoriesOf(etid)) + 1)}
	s.categories = append(s.categories, c)
	s.addStages(stageEntityID(etid, id), etid, id, stagePrefix(etid, id), defaultStages(etid))
	return c
}

func (s *state) addStages(entityID string, etid, catID int, prefix string, rows [][3]string) {
	for i, r := range rows {
		s.statuses = append(s.statuses, &statusRow{id: s.nextStatusID, sort: 10 * (i + 1), categoryID: catID, etid: etid,
			entityID: entityID, statusID: prefix + r[0], name: r[1], semantics: r[2], color: "#39A8EF"})
		s.nextStatusID++
	}
}

func (s *state) categoriesOf(etid int) []*category {
	var out []*category
	for _, c := range s.categories {
		if c.etid == etid {
			out = append(out, c)
		}
	}
	return out
}

func (s *state) category(etid, id int) *category {
	for _, c := range s.categoriesOf(etid) {
		if c.id == id {
			return c
		}
	}
	return nil
}

func (s *state) defaultCategory(etid int) *category {
	for _, c := range s.categoriesOf(etid) {
		if c.isDefault {
			return c
		}
	}
	return nil
}

// stagesOf lists a pipeline's stages by SORT.
func (s *state) stagesOf(etid, catID int) []*statusRow {
	entityID := stageEntityID(etid, catID)
	var out []*statusRow
	for _, r := range s.statuses {
		if r.entityID == entityID {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].sort < out[j].sort })
	return out
}

func (s *state) stage(etid, catID int, statusID string) *statusRow {
	for _, r := range s.stagesOf(etid, catID) {
		if r.statusID == statusID {
			return r
		}
	}
	return nil
}

func (r *statusRow) render() map[string]any {
	var sem, cat any
	if r.semantics != "" {
		sem = r.semantics
	}
	if r.etid != etLead {
		cat = itoa(r.categoryID)
	}
	return map[string]any{"ID": itoa(r.id), "ENTITY_ID": r.entityID, "STATUS_ID": r.statusID, "NAME": r.name,
		"NAME_INIT": r.name, "SORT": itoa(r.sort), "SYSTEM": "Y", "COLOR": r.color, "SEMANTICS": sem, "CATEGORY_ID": cat}
}

func statusList(c *call) (any, error) {
	var rows []map[string]any
	for _, r := range c.p.state.statuses {
		rows = append(rows, r.render())
	}
	if _, ok := c.ps.lookup("order"); !ok {
		c.ps["order"] = map[string]any{"SORT": "ASC"}
	}
	return listMaps(c, rows, "ID")
}

func statusAdd(c *call) (any, error) {
	f := c.ps.mapOf("fields")
	entityID, code, name := asString(f["ENTITY_ID"]), asString(f["STATUS_ID"]), asString(f["NAME"])
	if entityID == "" || code == "" || name == "" {
		return nil, badArg("ENTITY_ID, STATUS_ID and NAME are required")
	}
	var tmpl *statusRow
	for _, r := range c.p.state.statuses {
		if r.entityID == entityID {
			tmpl = r
			break
		}
	}
	if tmpl == nil {
		return nil, notFound("Entity not found")
	}
	prefix := ""
	if i := strings.IndexByte(tmpl.statusID, ':'); i >= 0 {
		prefix = tmpl.statusID[:i+1]
	}
	if !strings.HasPrefix(code, prefix) {
		code = prefix + code
	}
	sortN, ok := asInt(f["SORT"])
	if !ok {
		sortN = 10
	}
	s := c.p.state
	semantics := asString(f["SEMANTICS"])
	for _, r := range s.statuses {
		switch {
		case r.entityID != entityID:
		case r.statusID == code:
			return nil, statusError("Duplicate STATUS_ID.")
		case semantics == "" && r.semantics == "S" && r.sort < sortN:
			// crm-status-add.md: in-progress stages, then the success stage, then failure stages.
			return nil, statusError("Cannot create an intermediate stage after success")
		}
	}
	row := &statusRow{id: s.nextStatusID, sort: sortN, categoryID: tmpl.categoryID, etid: tmpl.etid, entityID: entityID,
		statusID: code, name: name, semantics: semantics, color: asString(f["COLOR"])}
	s.nextStatusID++
	s.statuses = append(s.statuses, row)
	return row.id, nil
}

// statusUpdate changes NAME, SORT and COLOR of a status (docs: api-reference/crm/status/crm-status-update.md:
// params id and fields; answer true; other fields are not listed as updatable and are ignored).
func statusUpdate(c *call) (any, error) {
	id, ok := c.ps.int("id")
	if !ok || id <= 0 {
		return nil, statusError("Invalid identifier.")
	}
	var row *statusRow
	for _, r := range c.p.state.statuses {
		if r.id == id {
			row = r
		}
	}
	if row == nil {
		return nil, statusError("Status is not found.")
	}
	f := c.ps.mapOf("fields")
	if v, ok := f["NAME"]; ok {
		if asString(v) == "" {
			return nil, statusError("Error on updating status.")
		}
		row.name = asString(v)
	}
	if v, ok := f["SORT"]; ok {
		n, ok := asInt(v)
		if !ok {
			return nil, statusError("Error on updating status.")
		}
		row.sort = n
	}
	if v, ok := f["COLOR"]; ok {
		row.color = asString(v)
	}
	return true, nil
}

// statusError is how crm.status.add and crm.status.update refuse (docs: api-reference/crm/status/crm-status-add.md,
// crm-status-update.md, "Possible Error Codes"): HTTP 400, an empty code, the reason as text.
func statusError(desc string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "", Description: desc}
}

func statusEntityTypes(c *call) (any, error) {
	seen := map[string]bool{}
	var out []map[string]any
	for _, r := range c.p.state.statuses {
		if !seen[r.entityID] {
			seen[r.entityID] = true
			out = append(out, map[string]any{"ID": r.entityID, "NAME": r.entityID, "ENTITY_TYPE_ID": r.etid})
		}
	}
	return out, nil
}

func (c *category) render() map[string]any {
	return map[string]any{"id": c.id, "name": c.name, "sort": c.sort, "entityTypeId": c.etid, "isDefault": yn(c.isDefault)}
}

func yn(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

func (s *state) knownEntityType(etid int) bool {
	return s.stores[etid] != nil
}

func categoryEntityType(c *call) (int, error) {
	etid, _ := c.ps.int("entityTypeId")
	if !c.p.state.knownEntityType(etid) || !hasStages(etid) || etid == etLead {
		return 0, notFound("Entity type not found")
	}
	return etid, nil
}

func categoryList(c *call) (any, error) {
	etid, err := categoryEntityType(c)
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for _, cat := range c.p.state.categoriesOf(etid) {
		out = append(out, cat.render())
	}
	total := len(out)
	c.total = &total
	return map[string]any{"categories": out}, nil
}

func categoryGet(c *call) (any, error) {
	etid, err := categoryEntityType(c)
	if err != nil {
		return nil, err
	}
	id, _ := c.ps.int("id")
	cat := c.p.state.category(etid, id)
	if cat == nil {
		return nil, notFound("Category not found")
	}
	return map[string]any{"category": cat.render()}, nil
}

func categoryAdd(c *call) (any, error) {
	etid, err := categoryEntityType(c)
	if err != nil {
		return nil, err
	}
	f := c.ps.mapOf("fields")
	name := asString(f["name"])
	if name == "" {
		return nil, badArg("name is required")
	}
	cat := c.p.state.addCategory(etid, -1, name, false)
	if n, ok := asInt(f["sort"]); ok {
		cat.sort = n
	}
	return map[string]any{"category": cat.render()}, nil
}

func categoryDelete(c *call) (any, error) {
	etid, err := categoryEntityType(c)
	if err != nil {
		return nil, err
	}
	id, _ := c.ps.int("id")
	s := c.p.state
	cat := s.category(etid, id)
	if cat == nil {
		return nil, notFound("Category not found")
	}
	if cat.isDefault {
		return nil, &APIError{Status: 400, Code: "ERROR_CORE", Description: "Default category cannot be deleted"}
	}
	for i, x := range s.categories {
		if x == cat {
			s.categories = append(s.categories[:i], s.categories[i+1:]...)
			break
		}
	}
	return nil, nil
}
