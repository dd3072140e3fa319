package app

// routeGroup is a set of routes switched on or off together, and why.
type routeGroup struct {
	Name  string
	Paths string
	On    bool
	Why   string
}

const b24Vars = "B24PAY_B24_PORTAL_URL, B24PAY_B24_CLIENT_ID and B24PAY_B24_CLIENT_SECRET"

// routeGroups says which routes this instance serves. Payment routes need Bitrix24: what is paid
// are the instalments of its deals and leads.
func (a *App) routeGroups() []routeGroup {
	b24, b24Why, payWhy := a.b24 != nil, b24Vars+" are set", "Bitrix24 is on"
	if !b24 {
		b24Why = b24Vars + " are not all set (README: Register in Bitrix24)"
		payWhy = "needs Bitrix24: " + b24Why
	}
	return []routeGroup{
		{"ops", "GET / /healthz /readyz /metrics /docs/", true, "always"},
		{"bitrix24", "/b24/install /b24/app /b24/events /b24/placement /api/v1 (tab)", b24, b24Why},
		{"payments", "/pay/ /api/v1 pay and refund, /b24/paysystem/ /b24/settings", b24, payWhy},
		a.providerGroup("invoicebox", "B24PAY_INVOICEBOX_TOKEN", payWhy),
		a.providerGroup("sbp", "B24PAY_SBP_SECRET_KEY", payWhy),
	}
}

func (a *App) providerGroup(code, trigger, payWhy string) routeGroup {
	g := routeGroup{Name: code, Paths: "POST /webhooks/" + code + ", its pay buttons and pay system"}
	switch {
	case a.payments == nil:
		g.Why = payWhy
	case a.payments.Has(code):
		g.On, g.Why = true, trigger+" is set (environment or the app page «Настройки оплаты»)"
	default:
		g.Why = trigger + " is not set and the portal admin has not saved the route on the app page"
	}
	return g
}

// logRoutes writes one line per route group at start.
func (a *App) logRoutes() {
	for _, g := range a.routeGroups() {
		a.log.Info("routes", "group", g.Name, "on", g.On, "why", g.Why, "paths", g.Paths)
	}
}
