package b24fake

import "strings"

var allScopes = []string{"crm", "userfieldconfig", "placement", "bizproc", "pay_system", "sale",
	"salescenter", "im", "imopenlines", "user", "department", "task", "catalog"}

// scopeOf names the scope a method needs; "basic" is always granted.
func scopeOf(method string) string {
	prefixes := []struct{ prefix, scope string }{
		{"crm.", "crm"}, {"userfieldconfig.", "userfieldconfig"}, {"placement.", "placement"},
		{"bizproc.", "bizproc"}, {"sale.paysystem.", "pay_system"}, {"sale.", "sale"},
		{"salescenter.", "salescenter"}, {"im.", "im"}, {"imopenlines.", "imopenlines"}, {"user.", "user"}, {"tasks.", "task"},
		{"department.", "department"},
	}
	for _, x := range prefixes {
		if strings.HasPrefix(method, x.prefix) {
			return x.scope
		}
	}
	return "basic"
}

func (p *Portal) scopeList() []string {
	if len(p.opts.Scope) == 0 {
		return allScopes
	}
	return p.opts.Scope
}

func (p *Portal) granted(method string) bool {
	return p.hasScope(scopeOf(method))
}

func (p *Portal) hasScope(need string) bool {
	if need == "basic" {
		return true
	}
	for _, s := range p.scopeList() {
		if s == need || (need == "user" && strings.HasPrefix(s, "user")) {
			return true
		}
	}
	return false
}
