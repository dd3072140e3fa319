package templates

// portalUISheets are the stylesheets of Bitrix24's `ui` extensions (design tokens, ui.buttons,
// ui.forms, ui.alerts) as a portal serves them under /bitrix/js/ui/. Inside Bitrix24 the tab and the
// app page load them from the portal (static/b24ui.js) so they look like the portal around them;
// b24pay.css keeps a local copy of the same class names for pages opened outside Bitrix24.
//
// The REST docs (bitrix24/b24restdocs) do not document these paths for applications: they come from
// the `ui` module's own extension configs (modules/ui/install/js/ui/{buttons,forms,alerts,design-tokens},
// installed to /bitrix/js/ui/) and match the stylesheets a Bitrix24 page itself links. A portal that
// moved a file only loses that sheet: the local copy stays underneath.
var portalUISheets = []string{
	"/bitrix/js/ui/design-tokens/dist/ui.design-tokens.min.css",
	"/bitrix/js/ui/buttons/dist/ui.buttons.bundle.min.css",
	"/bitrix/js/ui/forms/ui.forms.min.css",
	"/bitrix/js/ui/alerts/ui.alerts.min.css",
}

// PortalUI is the list of the portal's ui stylesheets at origin (scheme://host[:port] of the
// verified portal); nil without an origin.
func PortalUI(origin string) []string {
	if origin == "" {
		return nil
	}
	out := make([]string, len(portalUISheets))
	for i, p := range portalUISheets {
		out[i] = origin + p
	}
	return out
}
