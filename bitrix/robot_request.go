package bitrix

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"
)

// RobotRequest is the POST a robot handler receives (§11.3).
type RobotRequest struct {
	WorkflowID   string
	Code         string
	DocumentID   []string // [module, document class, "SMART_INVOICE_315"]
	DocumentType []string
	EventToken   string
	// Properties holds each input property's values: one for plain
	// properties, several for multiple ones (properties[x][0], [1] …).
	Properties      map[string][]string
	UseSubscription bool
	TimeoutDuration int
	TS              time.Time
	Auth            Auth
}

// Property returns the first value of a property ("" when absent).
func (r *RobotRequest) Property(name string) string {
	if v := r.Properties[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// ParseRobotRequest reads a form-encoded robot call.
func ParseRobotRequest(r *http.Request) (*RobotRequest, error) {
	form, err := readBodyForm(r)
	if err != nil {
		return nil, err
	}
	return ParseRobot(form)
}

// ParseRobot parses the form of a robot call.
func ParseRobot(form url.Values) (*RobotRequest, error) {
	t, err := parseFormTree(form)
	if err != nil {
		return nil, err
	}
	r := &RobotRequest{
		WorkflowID:      t.Get("workflow_id"),
		Code:            t.Get("code"),
		DocumentID:      t.Node("document_id").List(),
		DocumentType:    t.Node("document_type").List(),
		EventToken:      t.Get("event_token"),
		Properties:      properties(t.Node("properties")),
		UseSubscription: t.Get("use_subscription") == "Y",
	}
	if err := r.check(t); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *RobotRequest) check(t *FormTree) error {
	var err error
	if r.TimeoutDuration, err = optionalInt("timeout_duration", t.Get("timeout_duration")); err != nil {
		return err
	}
	if r.TS, err = optionalTime("ts", t.Get("ts")); err != nil {
		return err
	}
	if r.Auth, err = parseAuth(nodeOrEmpty(t.Node("auth"))); err != nil {
		return err
	}
	switch {
	case r.Auth.ApplicationToken == "":
		return malformed("auth[application_token]", "missing")
	case r.EventToken == "" && r.UseSubscription:
		return malformed("event_token", "missing")
	case len(r.DocumentID) != 3:
		return malformed("document_id", "want 3 elements")
	}
	return nil
}

func properties(t *FormTree) map[string][]string {
	out := make(map[string][]string)
	if t == nil {
		return out
	}
	for name, n := range t.Children {
		if list := n.List(); len(list) > 0 {
			out[name] = list
			continue
		}
		out[name] = []string{n.Value}
	}
	return out
}

var documentIDPattern = regexp.MustCompile(`^(LEAD|DEAL|CONTACT|COMPANY|QUOTE|SMART_INVOICE|DYNAMIC_(\d{1,9}))_(\d{1,18})$`)

var documentEntityTypes = map[string]int{
	"LEAD": 1, "DEAL": 2, "CONTACT": 3, "COMPANY": 4, "QUOTE": 7, "SMART_INVOICE": 31,
}

// Document resolves document_id[2] ("DEAL_123", "SMART_INVOICE_315",
// "DYNAMIC_147_1" — 147 read as entityTypeId) to a CRM object.
func (r *RobotRequest) Document() (Target, error) {
	return ParseDocumentID(r.DocumentID[2])
}

// ParseDocumentID resolves a business-process document id.
func ParseDocumentID(s string) (Target, error) {
	m := documentIDPattern.FindStringSubmatch(s)
	if m == nil {
		return Target{}, malformed("document_id[2]", "unknown document id")
	}
	et, ok := documentEntityTypes[m[1]]
	if !ok {
		et, _ = strconv.Atoi(m[2])
	}
	id, err := ParseID(m[3])
	if err != nil || id <= 0 || et <= 0 {
		return Target{}, malformed("document_id[2]", "bad id")
	}
	return Target{EntityTypeID: et, ID: id}, nil
}
