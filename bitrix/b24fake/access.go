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
