package bitrix

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// PlacementDefault is the PLACEMENT of the main app page and install wizard.
const PlacementDefault = "DEFAULT"

// AppRequest is the POST an app page, install wizard or placement receives
// (§1.3): DOMAIN, PROTOCOL, LANG, APP_SID in the query, the rest in the body.
type AppRequest struct {
	Domain           string // claimed by the request: never call it, compare it
	HTTPS            bool
	Lang             string
	AppSID           string
	AuthID           string // the viewing user's access token
	AuthExpires      int
	RefreshID        string
	ServerEndpoint   string
	ApplicationToken string
	Scope            string
	MemberID         string
	Status           string
	Placement        string
	// PlacementOptions is the decoded PLACEMENT_OPTIONS object (empty when
	// absent or "{}").
	PlacementOptions map[string]json.RawMessage
}

// ParseAppRequest reads an app/placement POST (query + bounded body).
func ParseAppRequest(r *http.Request) (*AppRequest, error) {
	body, err := readBodyForm(r)
	if err != nil {
		return nil, err
	}
	return ParseAppForm(r.URL.Query(), body)
}

// ParseAppForm parses the query and body fields; body fields win, and a
// field that arrived in the other part is accepted too.
func ParseAppForm(query, body url.Values) (*AppRequest, error) {
	get := func(k string) string {
		if v := body.Get(k); v != "" {
			return v
		}
		return query.Get(k)
	}
	a := &AppRequest{
		Domain: strings.ToLower(strings.TrimSpace(get("DOMAIN"))), Lang: get("LANG"), AppSID: get("APP_SID"),
		AuthID: get("AUTH_ID"), RefreshID: get("REFRESH_ID"), ServerEndpoint: get("SERVER_ENDPOINT"),
		ApplicationToken: get("APPLICATION_TOKEN"), Scope: get("APPLICATION_SCOPE"),
		MemberID: get("member_id"), Status: get("status"), Placement: get("PLACEMENT"),
	}
	if a.Placement == "" {
		a.Placement = PlacementDefault
	}
	if err := a.check(get("PROTOCOL"), get("AUTH_EXPIRES")); err != nil {
		return nil, err
	}
	opts, err := parsePlacementOptions(get("PLACEMENT_OPTIONS"))
	if err != nil {
		return nil, err
	}
	a.PlacementOptions = opts
	return a, nil
}

func (a *AppRequest) check(protocol, expires string) error {
	switch protocol {
	case "1", "":
		a.HTTPS = true
	case "0":
	default:
		return malformed("PROTOCOL", "not 0 or 1")
	}
	var err error
	if a.AuthExpires, err = optionalInt("AUTH_EXPIRES", expires); err != nil {
		return err
	}
	switch {
	case a.MemberID == "":
		return malformed("member_id", "missing")
	case a.AuthID == "":
		return malformed("AUTH_ID", "missing")
	case !hostPattern.MatchString(a.Domain):
		return malformed("DOMAIN", "missing or not a host")
	}
	return nil
}

func parsePlacementOptions(s string) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	s = strings.TrimSpace(s)
	if s == "" || s == "[]" {
		return out, nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(&out); err != nil || dec.More() {
		return nil, malformed("PLACEMENT_OPTIONS", "not a JSON object")
	}
	return out, nil
}

// VerifyApplicationToken compares APPLICATION_TOKEN with the stored one in
// constant time.
func (a *AppRequest) VerifyApplicationToken(stored string) error {
	return verifyToken(a.ApplicationToken, stored)
}

// ClaimedEndpoint is the REST root the request names. It is untrusted: use
// it only to compare with the configured portal.
func (a *AppRequest) ClaimedEndpoint() string {
	scheme := "https"
	if !a.HTTPS {
		scheme = "http"
	}
	return (&url.URL{Scheme: scheme, Host: a.Domain, Path: "/rest/"}).String()
}

// Option returns PLACEMENT_OPTIONS[key] as text ("" when absent).
func (a *AppRequest) Option(key string) string {
	return flexString(a.PlacementOptions[key])
}

// Target is the CRM object a detail-tab placement was opened for.
type Target struct {
	EntityTypeID int
	ID           ID
}

// hostPattern accepts an ASCII (punycode) host with an optional port.
var hostPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?$`)

var dynamicTab = regexp.MustCompile(`^CRM_DYNAMIC_(\d{1,9})_DETAIL_TAB$`)

var tabEntityTypes = map[string]int{
	"CRM_LEAD_DETAIL_TAB":          1,
	"CRM_DEAL_DETAIL_TAB":          2,
	"CRM_CONTACT_DETAIL_TAB":       3,
	"CRM_COMPANY_DETAIL_TAB":       4,
	"CRM_QUOTE_DETAIL_TAB":         7,
	"CRM_SMART_INVOICE_DETAIL_TAB": 31,
}

// ErrNotDetailTab: the placement is not a CRM detail tab.
var ErrNotDetailTab = &RequestError{Field: "PLACEMENT", Reason: "not a CRM detail tab"}

// Target derives the entity type from PLACEMENT and the id from
// PLACEMENT_OPTIONS.ID (§6.3).
func (a *AppRequest) Target() (Target, error) {
	et, ok := tabEntityTypes[a.Placement]
	if !ok {
		m := dynamicTab.FindStringSubmatch(a.Placement)
		if m == nil {
			return Target{}, ErrNotDetailTab
		}
		et, _ = strconv.Atoi(m[1])
	}
	var id ID
	raw := bytes.TrimSpace(a.PlacementOptions["ID"])
	if len(raw) == 0 || id.UnmarshalJSON(raw) != nil || id <= 0 {
		return Target{}, malformed("PLACEMENT_OPTIONS.ID", "missing or not a positive id")
	}
	return Target{EntityTypeID: et, ID: id}, nil
}
