package portal

import "strings"

// Scope is a Bitrix24 permission the local application asks for, with what needs it.
type Scope struct {
	Code string
	Why  string
}

// Scopes is the one list of permissions b24pay needs (api-reference/scopes/permissions.md). The
// README's registration table and the install page's "missing permissions" message derive from
// it. Methods of scope basic (profile, event.bind, event.get) need none: profile is documented in
// api-reference/common/users/profile.md. bizproc, salescenter and user are not asked for: nothing
// calls their methods yet.
var Scopes = []Scope{
	{"crm", "smart process, stages, deal fields, items, requisites, timeline, payments (crm.*)"},
	{"userfieldconfig", "the smart process's fields and the deal's debt field (userfieldconfig.*)"},
	{"placement", "the «График платежей» tab in deal and lead cards (placement.bind)"},
	{"im", "reminders to the responsible manager (im.notify.system.add)"},
	{"pay_system", "our pay systems in the Sales Center (sale.paysystem.*)"},
	{"sale", "payer types for the pay systems (sale.persontype.list)"},
}

// ScopeList is the scope codes as the README and the install page show them: "crm, im, …".
func ScopeList() string {
	codes := make([]string, len(Scopes))
	for i, s := range Scopes {
		codes[i] = s.Code
	}
	return strings.Join(codes, ", ")
}
