package b24fake

import (
	"net/http"
	"time"

	"github.com/shopspring/decimal"
)

type payHandler struct {
	id         int
	name, code string
	sort       int
	settings   any
}

type paySystem struct {
	id                         int
	name, description, handler string
	personTypeID               int
	active, registry, xmlID    string
	settings                   any
}

// Payment is a sale payment of a deal or smart invoice.
type Payment struct {
	ID           int
	OrderID      int
	EntityTypeID int
	EntityID     int
	Sum          decimal.Decimal
	Currency     string
	PaySystemID  int
	Paid         bool
	DatePaid     time.Time
	PSInvoiceID  string
	PSStatusCode string
}

func checkFailure(desc string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "ERROR_CHECK_FAILURE", Description: desc}
}

func (h *payHandler) render() map[string]any {
	return map[string]any{"ID": itoa(h.id), "NAME": h.name, "CODE": h.code, "SORT": itoa(h.sort), "SETTINGS": h.settings}
}

func (ps *paySystem) render() map[string]any {
	return map[string]any{"ID": itoa(ps.id), "NAME": ps.name, "DESCRIPTION": ps.description, "ACTIVE": ps.active,
		"PERSON_TYPE_ID": itoa(ps.personTypeID), "ACTION_FILE": ps.handler, "ENTITY_REGISTRY_TYPE": ps.registry,
		"XML_ID": ps.xmlID, "SETTINGS": ps.settings}
}

func handlerAdd(c *call) (any, error) {
	s := c.p.state
	name, code := c.ps.str("NAME"), c.ps.str("CODE")
	settings := c.ps.mapOf("SETTINGS")
	if name == "" || code == "" || settings == nil || settings["CODES"] == nil {
		return nil, checkFailure("NAME, CODE and SETTINGS[CODES] are required")
	}
	if settings["FORM_DATA"] == nil && settings["CHECKOUT_DATA"] == nil && settings["IFRAME_DATA"] == nil {
		return nil, checkFailure("One of FORM_DATA, CHECKOUT_DATA, IFRAME_DATA is required")
	}
	for _, h := range s.psHandlers {
		if h.code == code {
			return nil, &APIError{Status: http.StatusBadRequest, Code: "ERROR_HANDLER_ALREADY_EXIST", Description: "Handler already exists!"}
		}
	}
	sortN, ok := c.ps.int("SORT")
	if !ok {
		sortN = 100
	}
	h := &payHandler{id: len(s.psHandlers) + 1, name: name, code: code, sort: sortN, settings: settings}
	if n := len(s.psHandlers); n > 0 {
		h.id = s.psHandlers[n-1].id + 1
	}
	s.psHandlers = append(s.psHandlers, h)
	return h.id, nil
}

func handlerList(c *call) (any, error) {
	out := []map[string]any{}
	for _, h := range c.p.state.psHandlers {
		out = append(out, h.render())
	}
	return out, nil
}

func handlerDelete(c *call) (any, error) {
	s := c.p.state
	id, _ := c.ps.int("ID")
	for i, h := range s.psHandlers {
		if h.id == id {
			s.psHandlers = append(s.psHandlers[:i], s.psHandlers[i+1:]...)
			return true, nil
		}
	}
	return nil, checkFailure("Handler not found")
}

func handlerUpdate(c *call) (any, error) {
	id, _ := c.ps.int("ID")
	f := c.ps.mapOf("FIELDS")
	for _, h := range c.p.state.psHandlers {
		if h.id == id {
			if v := asString(f["NAME"]); v != "" {
				h.name = v
			}
			if v, ok := f["SETTINGS"]; ok {
				h.settings = v
			}
			return true, nil
		}
	}
	return nil, checkFailure("Handler not found")
}

func (s *state) handlerByCode(code string) *payHandler {
	for _, h := range s.psHandlers {
		if h.code == code {
			return h
		}
	}
	return nil
}

func paySystemAdd(c *call) (any, error) {
	s := c.p.state
	name, handlerCode := c.ps.str("NAME"), c.ps.str("BX_REST_HANDLER")
	personType, ok := c.ps.int("PERSON_TYPE_ID")
	if name == "" || handlerCode == "" || !ok {
		return nil, checkFailure("NAME, PERSON_TYPE_ID and BX_REST_HANDLER are required")
	}
	if s.handlerByCode(handlerCode) == nil {
		return nil, &APIError{Status: http.StatusBadRequest, Code: "ERROR_HANDLER_NOT_FOUND", Description: "Handler not found"}
	}
	registry := c.ps.str("ENTITY_REGISTRY_TYPE")
	if registry == "" {
		registry = "CRM_INVOICE"
	}
	if personTypeRegistry(personType) != registry {
		return nil, &APIError{Status: http.StatusBadRequest, Code: "ERROR_PERSON_TYPE_NOT_FOUND", Description: "Person type not found"}
	}
	active := c.ps.str("ACTIVE")
	if active == "" {
		active = "N"
	}
	settings, _ := c.ps.lookup("SETTINGS")
	ps := &paySystem{id: 100 + len(s.paySystems) + 1, name: name, description: c.ps.str("DESCRIPTION"), handler: handlerCode,
		personTypeID: personType, active: yn(asBool(active)), registry: registry, xmlID: c.ps.str("XML_ID"), settings: settings}
	s.paySystems = append(s.paySystems, ps)
	return ps.id, nil
}

func paySystemList(c *call) (any, error) {
	var rows []map[string]any
	for _, ps := range c.p.state.paySystems {
		rows = append(rows, ps.render())
	}
	return listMaps(c, rows, "ID")
}

func paySystemDelete(c *call) (any, error) {
	s := c.p.state
	id, _ := c.ps.int("ID")
	for i, ps := range s.paySystems {
		if ps.id == id {
			s.paySystems = append(s.paySystems[:i], s.paySystems[i+1:]...)
			return true, nil
		}
	}
	return nil, checkFailure("Pay system not found")
}

func (s *state) paySystem(id int) *paySystem {
	for _, ps := range s.paySystems {
		if ps.id == id {
			return ps
		}
	}
	return nil
}

// personType is a sale_person_type (api-reference/sale/data-types.md#sale_person_type); registry is
// the portal's internal ENTITY_REGISTRY_TYPE, which sale.persontype.list does not return.
type personType struct {
	id                          int
	name, code, sort, active, x string
	registry                    string
}

// Person types 1, 2 belong to the ORDER registry (deals, smart invoices); 3, 4 to CRM_INVOICE.
var personTypes = []personType{
	{1, "Физическое лицо", "CRM_CONTACT", "100", "Y", "", "ORDER"},
	{2, "Юридическое лицо", "CRM_COMPANY", "110", "Y", "", "ORDER"},
	{3, "Физическое лицо", "CRM_CONTACT", "100", "Y", "", "CRM_INVOICE"},
	{4, "Юридическое лицо", "CRM_COMPANY", "110", "Y", "", "CRM_INVOICE"},
}

func personTypeRegistry(id int) string {
	for _, pt := range personTypes {
		if pt.id == id {
			return pt.registry
		}
	}
	return ""
}

func personTypeList(c *call) (any, error) {
	rows := make([]map[string]any, 0, len(personTypes))
	for _, pt := range personTypes {
		rows = append(rows, map[string]any{"id": pt.id, "name": pt.name, "code": pt.code, "sort": pt.sort,
			"active": pt.active, "xmlId": pt.x})
	}
	page, err := listMaps(c, rows, "id")
	return map[string]any{"personTypes": page}, err
}

func (pm *Payment) render() map[string]any {
	var datePaid any
	if pm.Paid {
		datePaid = fmtDateTime(pm.DatePaid)
	}
	return map[string]any{"id": pm.ID, "orderId": pm.OrderID, "accountNumber": itoa(pm.EntityID) + "/" + itoa(pm.ID),
		"paid": yn(pm.Paid), "datePaid": datePaid, "paySystemId": pm.PaySystemID, "sum": pm.Sum.InexactFloat64(),
		"currency": pm.Currency, "psInvoiceId": pm.PSInvoiceID, "psStatusCode": pm.PSStatusCode}
}

// addPayment creates an unpaid payment of a deal or invoice; caller holds p.mu.
func (s *state) addPayment(etid, entityID int, sum decimal.Decimal, paySystemID int) (*Payment, error) {
	if etid != etDeal && etid != etSmartInvoic {
		return nil, apiErr("ENTITY_TYPE_NOT_SUPPORTED", "Payments are supported for deals and invoices only")
	}
	rec := s.store(etid).rows[entityID]
	if rec == nil {
		return nil, notFound("Элемент не найден")
	}
	if sum.IsZero() {
		sum, _ = rec["opportunity"].(decimal.Decimal)
	}
	cur, _ := rec["currencyId"].(string)
	pm := &Payment{ID: s.nextPayment, OrderID: s.orderOf(etid, entityID), EntityTypeID: etid, EntityID: entityID, Sum: sum, Currency: cur, PaySystemID: paySystemID}
	s.nextPayment++
	s.payments[pm.ID] = pm
	return pm, nil
}

func itemPaymentAdd(c *call) (any, error) {
	etid, _ := c.ps.int("entityTypeId")
	id, _ := c.ps.int("entityId")
	pm, err := c.p.state.addPayment(etid, id, decimal.Zero, 0)
	if err != nil {
		return nil, err
	}
	return pm.ID, nil
}

func itemPaymentGet(c *call) (any, error) {
	id, _ := c.ps.int("id")
	pm := c.p.state.payments[id]
	if pm == nil {
		return nil, notFound("Payment not found")
	}
	return pm.render(), nil
}

func itemPaymentList(c *call) (any, error) {
	etid, _ := c.ps.int("entityTypeId")
	id, _ := c.ps.int("entityId")
	out := []map[string]any{}
	for pid := 1; pid < c.p.state.nextPayment; pid++ {
		if pm := c.p.state.payments[pid]; pm != nil && pm.EntityTypeID == etid && pm.EntityID == id {
			out = append(out, pm.render())
		}
	}
	return out, nil
}

func itemPaymentPay(paid bool) handler {
	return func(c *call) (any, error) {
		id, _ := c.ps.int("id")
		pm := c.p.state.payments[id]
		if pm == nil {
			return nil, notFound("Payment not found")
		}
		c.setPaid(pm, paid)
		return true, nil
	}
}

func itemPaymentUpdate(c *call) (any, error) {
	id, _ := c.ps.int("id")
	pm := c.p.state.payments[id]
	if pm == nil {
		return nil, notFound("Payment not found")
	}
	f := c.ps.mapOf("fields")
	if v, ok := asInt(f["paySystemId"]); ok {
		pm.PaySystemID = v
	}
	if v, ok := f["paid"]; ok {
		c.setPaid(pm, asBool(v))
	}
	return true, nil
}

func paySystemPayPayment(c *call) (any, error) {
	s := c.p.state
	payID, _ := c.ps.int("PAYMENT_ID")
	psID, _ := c.ps.int("PAY_SYSTEM_ID")
	pm := s.payments[payID]
	if s.paySystem(psID) == nil {
		return nil, checkFailure("Pay system not found")
	}
	// "there must be a payment associated with the specified payment system" (sale-pay-system-pay-payment.md)
	if pm == nil || pm.PaySystemID != psID {
		return nil, checkFailure("Payment not found")
	}
	pm.PSInvoiceID = c.ps.str("PS_INVOICE_ID")
	pm.PSStatusCode = c.ps.str("PS_STATUS_CODE")
	c.setPaid(pm, true)
	return true, nil
}

// setPaid marks a payment, fires ONPAYMENTENTITYSAVED and, with AutoPaidStage, moves a fully
// paid invoice to its P stage.
func (c *call) setPaid(pm *Payment, paid bool) {
	s := c.p.state
	if pm.Paid == paid {
		return
	}
	pm.Paid, pm.DatePaid = paid, s.now()
	c.events = append(c.events, c.p.deliveriesFor("ONPAYMENTENTITYSAVED", [][2]string{{"data[FIELDS][ID]", itoa(pm.ID)}}, c.userID)...)
	if !paid || !s.opts.AutoPaidStage || pm.EntityTypeID != etSmartInvoic {
		return
	}
	for _, other := range s.payments {
		if other.EntityTypeID == pm.EntityTypeID && other.EntityID == pm.EntityID && !other.Paid {
			return
		}
	}
	rec := s.store(etSmartInvoic).rows[pm.EntityID]
	if rec == nil {
		return
	}
	cat, _ := rec["categoryId"].(int)
	changed, _ := s.updateItem(etSmartInvoic, pm.EntityID, map[string]any{"stageId": stagePrefix(etSmartInvoic, cat) + "P"}, c.userID)
	if changed {
		c.emitEntity(etSmartInvoic, "UPDATE", pm.EntityID)
	}
}

// orderOf returns the sale order behind a deal's or invoice's payments, creating it on first use.
func (s *state) orderOf(etid, entityID int) int {
	key := [2]int{etid, entityID}
	if id, ok := s.orders[key]; ok {
		return id
	}
	id := 500 + len(s.orders) + 1
	s.orders[key] = id
	return id
}

func orderEntityList(c *call) (any, error) {
	var rows []map[string]any
	for key, orderID := range c.p.state.orders {
		rows = append(rows, map[string]any{"orderId": orderID, "ownerId": key[1], "ownerTypeId": key[0]})
	}
	page, err := listMaps(c, rows, "orderId")
	return map[string]any{"orderEntity": page}, err
}

func salePaymentList(c *call) (any, error) {
	var rows []map[string]any
	for _, pm := range c.p.state.payments {
		rows = append(rows, pm.render())
	}
	page, err := listMaps(c, rows, "id")
	return map[string]any{"payments": page}, err
}

func salePaymentGet(c *call) (any, error) {
	id, _ := c.ps.int("id")
	pm := c.p.state.payments[id]
	if pm == nil {
		return nil, notFound("Payment not found")
	}
	return map[string]any{"payment": pm.render()}, nil
}
