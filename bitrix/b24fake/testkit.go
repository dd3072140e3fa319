package b24fake

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// ErrUnknownEntityType is returned by helpers for an entityTypeId the portal does not have.
var ErrUnknownEntityType = errors.New("b24fake: unknown entity type")

// Item returns an object as crm.item.get renders it (camelCase, user fields as ufCrm... names).
func (p *Portal) Item(entityTypeID, id int) (map[string]any, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := p.state.store(entityTypeID)
	if st == nil || st.rows[id] == nil {
		return nil, false
	}
	return p.state.renderRecord(entityTypeID, id, false, nil), true
}

// Items returns every object of a type, ordered by id.
func (p *Portal) Items(entityTypeID int) []map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := p.state.store(entityTypeID)
	if st == nil {
		return nil
	}
	out := make([]map[string]any, 0, len(st.ids))
	for _, id := range st.ids {
		out = append(out, p.state.renderRecord(entityTypeID, id, false, nil))
	}
	return out
}

// AddItem seeds an object (crm.item field names, or legacy UPPER_CASE for 1–4) without firing events.
func (p *Portal) AddItem(entityTypeID int, fields map[string]any) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state.store(entityTypeID) == nil {
		return 0, ErrUnknownEntityType
	}
	return p.state.createItem(entityTypeID, seedFields(entityTypeID, fields), 1)
}

// AddUser seeds an employee (an admin when admin is set) and returns their id; the portal starts
// with user 1 (admin) and user 2.
func (p *Portal) AddUser(name, lastName, email string, admin bool) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	id := len(p.state.users) + 1
	for p.state.users[id].id != 0 {
		id++
	}
	p.state.users[id] = user{id: id, name: name, lastName: lastName, email: email, admin: admin}
	return id
}

// AddDepartment adds a department of the company structure under parent (the root is department 1)
// and returns its id.
func (p *Portal) AddDepartment(name string, parent int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	id := p.state.departments[len(p.state.departments)-1].id + 1
	p.state.departments = append(p.state.departments, department{id: id, parent: parent, name: name})
	return id
}

// SetUserDepartments moves a user to the given departments (UF_DEPARTMENT), as an HR admin does.
func (p *Portal) SetUserDepartments(userID int, departments ...int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	u := p.state.users[userID]
	u.departments = departments
	p.state.users[userID] = u
}

func seedFields(etid int, fields map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range fields {
		if k == strings.ToUpper(k) && !strings.HasPrefix(k, "UF_") {
			k = legacyToItemName(etid, k)
		}
		out[k] = v
	}
	return out
}

// UserUpdateItem changes an object the way a user does in the Bitrix24 UI: events fire with
// that user's (admin's) tokens.
func (p *Portal) UserUpdateItem(entityTypeID, id int, fields map[string]any) error {
	return p.changeItem(entityTypeID, id, fields, 1)
}

// AutomationUpdateItem changes an object the way a robot or workflow does: events carry no tokens.
func (p *Portal) AutomationUpdateItem(entityTypeID, id int, fields map[string]any) error {
	return p.changeItem(entityTypeID, id, fields, 0)
}

func (p *Portal) changeItem(etid, id int, fields map[string]any, userID int) error {
	p.mu.Lock()
	if p.state.store(etid) == nil {
		p.mu.Unlock()
		return ErrUnknownEntityType
	}
	c := &call{p: p, userID: userID}
	changed, err := p.state.updateItem(etid, id, seedFields(etid, fields), max(userID, 1))
	if err == nil && changed {
		c.emitEntity(etid, "UPDATE", id)
	}
	p.mu.Unlock()
	p.enqueue(userID, c.events)
	return err
}

// UserDeleteItem deletes an object as a user would, firing the delete events.
func (p *Portal) UserDeleteItem(entityTypeID, id int) error {
	p.mu.Lock()
	if p.state.store(entityTypeID) == nil {
		p.mu.Unlock()
		return ErrUnknownEntityType
	}
	c := &call{p: p, userID: 1}
	err := p.state.deleteItem(entityTypeID, id)
	if err == nil {
		c.emitEntity(entityTypeID, "DELETE", id)
	}
	p.mu.Unlock()
	p.enqueue(1, c.events)
	return err
}

// AddSmartProcess creates a smart process (entityTypeID 0 = next free) with every feature enabled.
func (p *Portal) AddSmartProcess(title string, entityTypeID int) (typeID, etid int, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	flags := map[string]any{}
	for _, f := range typeFlags {
		flags[f] = "Y"
	}
	t, err := p.state.addType(title, entityTypeID, flags)
	if err != nil {
		return 0, 0, err
	}
	return t.id, t.etid, nil
}

// AddUserField registers a user field (entityID CRM_DEAL, CRM_SMART_INVOICE, CRM_<typeId>...) the
// way userfieldconfig.add does, with its name rules.
func (p *Portal) AddUserField(entityID, fieldName, userTypeID string, multiple bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, err := p.state.addUserField(map[string]any{"entityId": entityID, "fieldName": fieldName, "userTypeId": userTypeID, "multiple": yn(multiple)})
	return err
}

// AddLegacyUserField registers a field the way crm.deal.userfield.add (and the CRM settings page)
// make them: UF_CRM_ + any postfix, whatever the entity. Portals provisioned by older app versions
// hold such fields.
func (p *Portal) AddLegacyUserField(entityID, fieldName, userTypeID string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !strings.HasPrefix(fieldName, "UF_CRM_") || !p.state.ufEntityKnown(entityID) {
		return ufError("You cannot create custom fields")
	}
	_, err := p.state.storeUserField(map[string]any{"entityId": entityID, "fieldName": fieldName, "userTypeId": userTypeID})
	return err
}

// AddStage adds a stage to a pipeline (ENTITY_ID like DYNAMIC_128_STAGE_1) wherever its sort puts
// it, as an admin may arrange stages in the CRM settings; crm.status.add's order rule does not apply.
func (p *Portal) AddStage(entityID, statusID, name string, sort int, semantics string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.state
	for _, r := range s.statuses {
		if r.entityID == entityID {
			s.statuses = append(s.statuses, &statusRow{id: s.nextStatusID, sort: sort, categoryID: r.categoryID, etid: r.etid,
				entityID: entityID, statusID: statusID, name: name, semantics: semantics, color: "#39A8EF"})
			s.nextStatusID++
			return nil
		}
	}
	return notFound("Entity not found")
}

// Stages lists a pipeline's stages by SORT as [STATUS_ID, NAME, SEMANTICS].
func (p *Portal) Stages(entityID string) [][3]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var rows []*statusRow
	for _, r := range p.state.statuses {
		if r.entityID == entityID {
			rows = append(rows, r)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].sort < rows[j].sort })
	out := make([][3]string, len(rows))
	for i, r := range rows {
		out[i] = [3]string{r.statusID, r.name, r.semantics}
	}
	return out
}

// UserFields lists the user-field names of an entity (CRM_DEAL, CRM_7 …).
func (p *Portal) UserFields(entityID string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, u := range p.state.userFieldsOf(entityID) {
		out = append(out, u.fieldName)
	}
	return out
}

// CalledMethods lists every method executed so far (lower case, batch sub-commands included).
func (p *Portal) CalledMethods() []string {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	out := make([]string, 0, len(p.counters.calls))
	for m := range p.counters.calls {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// AddPayment creates an unpaid payment of a deal (2) or smart invoice (31); sum "" takes the
// object's opportunity.
func (p *Portal) AddPayment(entityTypeID, entityID int, sum string, paySystemID int) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	amount := decimal.Zero
	if sum != "" {
		var err error
		if amount, err = decimal.NewFromString(sum); err != nil {
			return 0, err
		}
	}
	pm, err := p.state.addPayment(entityTypeID, entityID, amount, paySystemID)
	if err != nil {
		return 0, err
	}
	return pm.ID, nil
}

// Payment returns a payment's current state.
func (p *Portal) Payment(id int) (Payment, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pm := p.state.payments[id]
	if pm == nil {
		return Payment{}, false
	}
	return *pm, true
}

// SendAppInstall POSTs an ONAPPINSTALL event (reference §17.2) with fresh admin tokens.
func (p *Portal) SendAppInstall(handlerURL string) error {
	form := url.Values{}
	form.Set("event", "ONAPPINSTALL")
	form.Set("data[VERSION]", "1")
	form.Set("data[ACTIVE]", "Y")
	form.Set("data[INSTALLED]", "Y")
	form.Set("data[LANGUAGE_ID]", "ru")
	form.Set("ts", strconv.FormatInt(p.now().Unix(), 10))
	p.authFields(form, 1, true)
	return p.postChecked(handlerURL, form)
}

// SendAppUninstall POSTs an ONAPPUNINSTALL event (reference §17.5): no tokens.
func (p *Portal) SendAppUninstall(handlerURL string, clean bool) error {
	form := url.Values{}
	form.Set("event", "ONAPPUNINSTALL")
	form.Set("data[LANGUAGE_ID]", "ru")
	form.Set("data[CLEAN]", map[bool]string{true: "1", false: "0"}[clean])
	form.Set("ts", strconv.FormatInt(p.now().Unix(), 10))
	form.Set("auth[domain]", p.Domain())
	form.Set("auth[server_endpoint]", p.ServerEndpoint())
	form.Set("auth[client_endpoint]", p.ClientEndpoint())
	form.Set("auth[member_id]", p.opts.MemberID)
	form.Set("auth[application_token]", p.opts.ApplicationToken)
	return p.postChecked(handlerURL, form)
}

func (p *Portal) postChecked(target string, form url.Values) error {
	status, err := p.post(target, form)
	if err == nil && status >= 300 {
		err = fmt.Errorf("b24fake: handler answered %d", status)
	}
	return err
}

// AppPageRequest builds the POST Bitrix24 sends when a user opens the app page or a placement
// (reference §1.3, §17.1, §17.6): DOMAIN/PROTOCOL/LANG/APP_SID in the query, tokens in the body.
// placement "" means DEFAULT; options become the PLACEMENT_OPTIONS JSON string.
func (p *Portal) AppPageRequest(targetURL, placement string, options map[string]any, userID int) (*http.Request, error) {
	if placement == "" {
		placement = "DEFAULT"
	}
	if options == nil {
		options = map[string]any{}
	}
	opts, err := json.Marshal(options)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(targetURL)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	protocol := "1"
	if strings.HasPrefix(p.base(), "http://") {
		protocol = "0"
	}
	q.Set("DOMAIN", p.Domain())
	q.Set("PROTOCOL", protocol)
	q.Set("LANG", "ru")
	q.Set("APP_SID", randomHex(16))
	u.RawQuery = q.Encode()
	access, refresh := p.TokensFor(userID)
	body := url.Values{}
	body.Set("AUTH_ID", access)
	body.Set("AUTH_EXPIRES", strconv.Itoa(int(p.opts.TokenTTL.Seconds())))
	body.Set("REFRESH_ID", refresh)
	body.Set("SERVER_ENDPOINT", p.ServerEndpoint())
	body.Set("APPLICATION_TOKEN", p.opts.ApplicationToken)
	body.Set("APPLICATION_SCOPE", strings.Join(p.scopeList(), ","))
	body.Set("member_id", p.opts.MemberID)
	body.Set("status", "L")
	body.Set("PLACEMENT", placement)
	body.Set("PLACEMENT_OPTIONS", string(opts))
	req, err := http.NewRequest(http.MethodPost, u.String(), strings.NewReader(body.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}
