package b24fake

import "net/http"

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

// legacyAccessDenied is how legacy crm.<entity>.get reports an object the user may not read.
func legacyAccessDenied() *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "", Description: "Access denied"}
}
