package bitrix

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxFormBytes bounds inbound bodies from Bitrix24.
const maxFormBytes = 1 << 20

// Event is an event POST (§5.3): event name, data, send time and auth.
type Event struct {
	Name      string // upper case, e.g. ONCRMDYNAMICITEMUPDATE
	HandlerID string
	Data      *FormTree // data[…]; never nil
	TS        time.Time
	Auth      Auth
}

// FieldID is data[FIELDS][ID], the id of the changed object.
func (e *Event) FieldID() (ID, error) {
	id, err := ParseID(e.Data.Get("FIELDS", "ID"))
	if err != nil {
		return 0, malformed("data[FIELDS][ID]", "not a number")
	}
	return id, nil
}

// EntityTypeID is data[FIELDS][ENTITY_TYPE_ID] (dynamic items and smart
// invoices); 0 when absent.
func (e *Event) EntityTypeID() int {
	n, _ := strconv.Atoi(e.Data.Get("FIELDS", "ENTITY_TYPE_ID"))
	return n
}

// ParseEventRequest reads a form-encoded event POST.
func ParseEventRequest(r *http.Request) (*Event, error) {
	form, err := readBodyForm(r)
	if err != nil {
		return nil, err
	}
	return ParseEvent(form)
}

// ParseEvent parses the form of an event (also the ONAPPINSTALL callback).
func ParseEvent(form url.Values) (*Event, error) {
	t, err := parseFormTree(form)
	if err != nil {
		return nil, err
	}
	e := &Event{
		Name:      strings.ToUpper(strings.TrimSpace(t.Get("event"))),
		HandlerID: t.Get("event_handler_id"),
		Data:      t.Node("data"),
	}
	if e.Name == "" {
		return nil, malformed("event", "missing")
	}
	if e.Data == nil {
		e.Data = &FormTree{}
	}
	if e.TS, err = optionalTime("ts", t.Get("ts")); err != nil {
		return nil, err
	}
	if e.Auth, err = parseAuth(nodeOrEmpty(t.Node("auth"))); err != nil {
		return nil, err
	}
	if e.Auth.ApplicationToken == "" {
		return nil, malformed("auth[application_token]", "missing")
	}
	return e, nil
}

func nodeOrEmpty(n *FormTree) *FormTree {
	if n == nil {
		return &FormTree{}
	}
	return n
}

// readBodyForm parses a bounded url-encoded body (the query is ignored).
func readBodyForm(r *http.Request) (url.Values, error) {
	if r.Body == nil {
		return nil, malformed("body", "empty")
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return nil, malformed("body", err.Error())
	}
	return r.PostForm, nil
}
