package b24fake

import (
	"math/rand"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// EventBinding is one event.bind registration.
type EventBinding struct {
	ID        int
	Event     string
	Handler   string
	AuthType  int
	EventType string // online | offline
}

// DeliveredEvent records one delivery attempt (or drop) of an event POST.
type DeliveredEvent struct {
	Event      string
	HandlerURL string
	Form       url.Values
	Status     int   // handler's HTTP status; 0 when dropped or failed
	Err        error // transport error
	Dropped    bool
}

type delivery struct {
	event, url string
	form       url.Values
}

type eventQueue struct {
	mu        sync.Mutex
	cond      *sync.Cond
	queue     []delivery
	pending   int
	running   bool
	dropShare float64
	rnd       *rand.Rand
	delivered int
	dropped   int
	log       []DeliveredEvent
	client    *http.Client
}

func newEventQueue() eventQueue {
	return eventQueue{client: &http.Client{Timeout: 10 * time.Second}}
}

var knownEvent = regexp.MustCompile(`^ON(APPINSTALL|APPUNINSTALL|APPUPDATE|APPPAYMENT|OFFLINEEVENT|PAYMENTENTITYSAVED|PAYMENTDELETED|` +
	`CRM(DEAL|CONTACT|COMPANY|LEAD|REQUISITE|QUOTE|ACTIVITY|TIMELINECOMMENT|TYPE|BANKDETAIL|ADDRESS)(ADD|UPDATE|DELETE)|` +
	`CRMDYNAMICITEM(ADD|UPDATE|DELETE)(_\d+)?|CRMTYPEUSERFIELD(ADD|UPDATE|DELETE|SETENUMVALUES)|` +
	`CRM(DEAL|LEAD|CONTACT|COMPANY)(USERFIELD(ADD|UPDATE|DELETE|SETENUMVALUES)|MOVETOCATEGORY))$`)

// DropEvents drops the given share (0..1) of deliveries, chosen by a generator seeded with seed.
func (p *Portal) DropEvents(share float64, seed int64) {
	q := &p.events
	q.mu.Lock()
	defer q.mu.Unlock()
	q.dropShare, q.rnd = share, rand.New(rand.NewSource(seed))
}

// SetInstalled sets app.info INSTALLED; events are not delivered while the app is not installed.
func (p *Portal) SetInstalled(installed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state.installed = installed
}

// Flush waits until every queued event has been delivered or dropped.
func (p *Portal) Flush() {
	q := &p.events
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.cond == nil {
		q.cond = sync.NewCond(&q.mu)
	}
	for q.pending > 0 {
		q.cond.Wait()
	}
}

// EventsDelivered counts event POSTs sent (whatever the handler answered).
func (p *Portal) EventsDelivered() int {
	p.events.mu.Lock()
	defer p.events.mu.Unlock()
	return p.events.delivered
}

// EventsDropped counts events dropped by DropEvents.
func (p *Portal) EventsDropped() int {
	p.events.mu.Lock()
	defer p.events.mu.Unlock()
	return p.events.dropped
}

// DeliveredEvents lists every delivery attempt so far, in order.
func (p *Portal) DeliveredEvents() []DeliveredEvent {
	p.events.mu.Lock()
	defer p.events.mu.Unlock()
	return append([]DeliveredEvent(nil), p.events.log...)
}

// EventBindings lists the current event.bind registrations.
func (p *Portal) EventBindings() []EventBinding {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]EventBinding(nil), p.state.bindings...)
}

func (p *Portal) enqueue(_ int, ds []delivery) {
	if len(ds) == 0 {
		return
	}
	q := &p.events
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.cond == nil {
		q.cond = sync.NewCond(&q.mu)
	}
	q.queue = append(q.queue, ds...)
	q.pending += len(ds)
	if !q.running {
		q.running = true
		go p.deliverLoop()
	}
}

// deliverLoop posts queued events one at a time, in order, without retries.
func (p *Portal) deliverLoop() {
	q := &p.events
	for {
		q.mu.Lock()
		if len(q.queue) == 0 {
			q.running = false
			q.mu.Unlock()
			return
		}
		d := q.queue[0]
		q.queue = q.queue[1:]
		drop := q.dropShare > 0 && q.rnd.Float64() < q.dropShare
		q.mu.Unlock()
		rec := DeliveredEvent{Event: d.event, HandlerURL: d.url, Form: d.form, Dropped: drop}
		if !drop {
			rec.Status, rec.Err = p.post(d.url, d.form)
		}
		q.mu.Lock()
		if drop {
			q.dropped++
		} else {
			q.delivered++
		}
		q.log = append(q.log, rec)
		q.pending--
		q.cond.Broadcast()
		q.mu.Unlock()
	}
}

func (p *Portal) post(target string, form url.Values) (int, error) {
	resp, err := p.events.client.Post(target, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

// authFields is the auth[...] block of an outgoing POST; userID 0 means no tokens
// (change made by a robot, workflow or agent).
func (p *Portal) authFields(form url.Values, userID int, withRefresh bool) {
	if userID > 0 {
		access, refresh := p.TokensFor(userID)
		form.Set("auth[access_token]", access)
		form.Set("auth[expires]", strconv.FormatInt(p.now().Add(p.opts.TokenTTL).Unix(), 10))
		form.Set("auth[expires_in]", strconv.Itoa(int(p.opts.TokenTTL.Seconds())))
		form.Set("auth[user_id]", strconv.Itoa(userID))
		if withRefresh {
			form.Set("auth[refresh_token]", refresh)
		}
	}
	form.Set("auth[scope]", strings.Join(p.scopeList(), ","))
	form.Set("auth[domain]", p.Domain())
	form.Set("auth[server_endpoint]", p.ServerEndpoint())
	form.Set("auth[status]", "L")
	form.Set("auth[client_endpoint]", p.ClientEndpoint())
	form.Set("auth[member_id]", p.opts.MemberID)
	form.Set("auth[application_token]", p.opts.ApplicationToken)
}

// entityEventNames lists the events a change of an entity type fires.
func entityEventNames(etid int, action string) []string {
	switch etid {
	case etLead:
		return []string{"ONCRMLEAD" + action}
	case etDeal:
		return []string{"ONCRMDEAL" + action}
	case etContact:
		return []string{"ONCRMCONTACT" + action}
	case etCompany:
		return []string{"ONCRMCOMPANY" + action}
	case etRequisite:
		return []string{"ONCRMREQUISITE" + action}
	}
	return []string{"ONCRMDYNAMICITEM" + action, "ONCRMDYNAMICITEM" + action + "_" + itoa(etid)}
}

// emitEntity queues the events of a change made through REST by the calling user.
func (c *call) emitEntity(etid int, action string, id int) {
	data := [][2]string{{"data[FIELDS][ID]", itoa(id)}}
	if etid == etSmartInvoic || etid >= 128 {
		data = append(data, [2]string{"data[FIELDS][ENTITY_TYPE_ID]", itoa(etid)})
	}
	for _, name := range entityEventNames(etid, action) {
		c.events = append(c.events, c.p.deliveriesFor(name, data, c.userID)...)
	}
}

// deliveriesFor builds one delivery per binding of event; caller holds p.mu.
func (p *Portal) deliveriesFor(event string, data [][2]string, userID int) []delivery {
	if !p.state.installed {
		return nil
	}
	var out []delivery
	for _, b := range p.state.bindings {
		if b.Event != event || b.EventType == "offline" {
			continue
		}
		form := url.Values{}
		form.Set("event", event)
		form.Set("event_handler_id", itoa(b.ID))
		for _, kv := range data {
			form.Set(kv[0], kv[1])
		}
		form.Set("ts", strconv.FormatInt(p.now().Unix(), 10))
		uid := userID
		if b.AuthType > 0 && userID > 0 {
			uid = b.AuthType
		}
		p.authFields(form, uid, false)
		out = append(out, delivery{event: event, url: b.Handler, form: form})
	}
	return out
}

func eventBind(c *call) (any, error) {
	s := c.p.state
	event := strings.ToUpper(c.ps.str("event"))
	handlerURL := c.ps.str("handler")
	authType, _ := c.ps.int("auth_type")
	eventType := strings.ToLower(c.ps.str("event_type"))
	if eventType == "" {
		eventType = "online"
	}
	if !knownEvent.MatchString(event) {
		return nil, &APIError{Status: http.StatusBadRequest, Code: "ERROR_EVENT_NOT_FOUND", Description: "Event not found"}
	}
	if !s.users[c.userID].admin && (eventType == "offline" || (authType != 0 && authType != c.userID)) {
		return nil, apiErr("ACCESS_DENIED", "")
	}
	if eventType == "online" && handlerURL == "" {
		return nil, &APIError{Status: http.StatusBadRequest, Code: "ERROR_ARGUMENT", Description: "Handler is empty"}
	}
	for _, b := range s.bindings {
		if b.Event == event && b.Handler == handlerURL && b.AuthType == authType && b.EventType == eventType {
			return nil, &APIError{Status: http.StatusBadRequest, Code: "", Description: "Handler already binded"}
		}
	}
	s.bindings = append(s.bindings, EventBinding{ID: s.nextBinding, Event: event, Handler: handlerURL, AuthType: authType, EventType: eventType})
	s.nextBinding++
	return true, nil
}

func eventUnbind(c *call) (any, error) {
	s := c.p.state
	event := strings.ToUpper(c.ps.str("event"))
	handlerURL := c.ps.str("handler")
	authType, hasAuth := c.ps.int("auth_type")
	eventType := strings.ToLower(c.ps.str("event_type"))
	kept, count := s.bindings[:0], 0
	for _, b := range s.bindings {
		match := b.Event == event && (handlerURL == "" || b.Handler == handlerURL) &&
			(!hasAuth || b.AuthType == authType) && (eventType == "" || b.EventType == eventType)
		if match {
			count++
			continue
		}
		kept = append(kept, b)
	}
	s.bindings = kept
	return map[string]any{"count": count}, nil
}

func eventGet(c *call) (any, error) {
	out := []map[string]any{}
	for _, b := range c.p.state.bindings {
		offline := 0
		if b.EventType == "offline" {
			offline = 1
		}
		out = append(out, map[string]any{"event": b.Event, "handler": b.Handler, "auth_type": itoa(b.AuthType), "offline": offline})
	}
	return out, nil
}

func eventList(c *call) (any, error) {
	names := []string{"ONAPPINSTALL", "ONAPPUNINSTALL", "ONAPPUPDATE"}
	for _, et := range []int{etLead, etDeal, etContact, etCompany, etRequisite} {
		for _, a := range []string{"ADD", "UPDATE", "DELETE"} {
			names = append(names, entityEventNames(et, a)...)
		}
	}
	for _, a := range []string{"ADD", "UPDATE", "DELETE"} {
		names = append(names, "ONCRMDYNAMICITEM"+a)
	}
	return append(names, "ONPAYMENTENTITYSAVED", "ONPAYMENTDELETED", "ONOFFLINEEVENT"), nil
}
