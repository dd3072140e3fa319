package b24fake

import "net/http"

// accessDenied is how each method refuses a user without the right (the error tables of the docs):
// legacy CRM methods answer HTTP 400 with no code and the reason as text; crm.requisite.list with
// code 0 (api-reference/crm/requisites/universal/crm-requisite-list.md).
func accessDenied(method string) *APIError {
	switch method {
	case "crm.requisite.list":
		return &APIError{Status: http.StatusBadRequest, Code: "0", Description: "Access denied."}
	case "crm.deal.get", "crm.deal.update", "crm.contact.get", "crm.company.get", "crm.lead.get":
		return &APIError{Status: http.StatusBadRequest, Code: "", Description: "Access denied"}
	}
	return apiErr("ACCESS_DENIED", "")
}

// DenyAccess makes method refuse every call as it does for a user without the right to it
// (lower-case name); DenyAccess(method, false) lifts it.
func (p *Portal) DenyAccess(method string, denied bool) {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	if p.denied == nil {
		p.denied = map[string]bool{}
	}
	p.denied[normalizeMethod(method)] = denied
}

func (p *Portal) accessRefused(method string) *APIError {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	if p.denied[method] {
		return accessDenied(method)
	}
	return nil
}

// Per-user read rights of CRM objects. By default every user reads everything; DenyRead takes
// one object away from one user, as a role without access to it would. crm.deal.get and
// crm.lead.get then answer as bitrix24/b24restdocs api-reference/crm/deals/crm-deal-get.md
// ("Possible Error Codes") says for a user without permission to read: HTTP 400,
// {"error":"","error_description":"Access denied"}.

type readKey struct{ user, entityTypeID, id int }

// DenyRead makes the object unreadable for userID.
func (p *Portal) DenyRead(userID, entityTypeID, id int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.readDenied == nil {
		p.readDenied = map[readKey]bool{}
	}
	p.readDenied[readKey{userID, entityTypeID, id}] = true
}

// canRead tells whether userID may read the object; caller holds p.mu.
func (p *Portal) canRead(userID, entityTypeID, id int) bool {
	return !p.readDenied[readKey{userID, entityTypeID, id}]
}
