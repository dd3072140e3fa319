package bitrix

import "strings"

// legacySentinel classifies the errors legacy crm.<entity>.get/update/delete send with an empty
// code and only a description (bitrix24/b24restdocs api-reference/crm/deals/crm-deal-get.md,
// "Possible Error Codes": "Not found", "Access denied"). decodeEnvelope names an empty code
// HTTP_<status>.
func legacySentinel(e *APIError) error {
	if e.Code != "" && !strings.HasPrefix(e.Code, "HTTP_") {
		return nil
	}
	switch strings.ToLower(strings.TrimSpace(e.Description)) {
	case "not found":
		return ErrNotFound
	case "access denied":
		return ErrAccessDenied
	}
	return nil
}
