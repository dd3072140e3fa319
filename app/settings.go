package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"b24pay/billing"
	"b24pay/billing/invoicebox"
	"b24pay/portal"
	"b24pay/schedules"
	"b24pay/templates"
)

// settingsOwner marks a signed token that authorises the payment settings form.
const settingsOwner = "settings"

// settingsFields maps configuration variables to the settings form's fields.
var settingsFields = map[string]string{
	"B24PAY_INVOICEBOX_API_URL": "ib_api_url", "B24PAY_INVOICEBOX_TOKEN": "ib_token",
	"B24PAY_INVOICEBOX_MERCHANT_ID": "ib_merchant_id", "B24PAY_INVOICEBOX_NOTIFICATION_KEY": "ib_notification_key",
	"B24PAY_SBP_API_URL": "sbp_api_url", "B24PAY_SBP_MERCHANT_ID": "sbp_merchant_id", "B24PAY_SBP_SECRET_KEY": "sbp_secret_key",
}

// settingsForm shows the current routes, never their secrets.
func (a *App) settingsForm(cfg BillingConfig, token string) *templates.SettingsForm {
	return &templates.SettingsForm{Token: token, Errors: map[string]string{},
		Invoicebox: templates.RouteForm{Enabled: cfg.InvoiceboxEnabled(), APIURL: cfg.InvoiceboxURL, MerchantID: cfg.InvoiceboxMerchantID,
			SecretSet: map[string]bool{"token": cfg.InvoiceboxToken != "", "notification_key": cfg.InvoiceboxKey != ""}},
		SBP: templates.RouteForm{Enabled: cfg.SBPEnabled(), APIURL: cfg.SBPURL, MerchantID: cfg.SBPMerchantID,
			SecretSet: map[string]bool{"secret_key": cfg.SBPSecretKey != ""}},
		Webhooks: a.webhookURLs(), VAT: vatLabel(cfg.InvoiceboxVAT),
	}
}

// webhookURLs are the notification addresses the admin gives each provider (YooKassa only when
// subscriptions are configured: its webhook serves them).
func (a *App) webhookURLs() []templates.Webhook {
	out := []templates.Webhook{{Provider: "Invoicebox", URL: a.cfg.PublicURL + "/webhooks/invoicebox"},
		{Provider: "СБП", URL: a.cfg.PublicURL + "/webhooks/sbp"}}
	if a.cfg.Recur.YooKassaEnabled() {
		out = append(out, templates.Webhook{Provider: "ЮKassa", URL: a.cfg.PublicURL + "/webhooks/yookassa"})
	}
	return out
}

// settingsHistory is the last few saves of the payment settings, newest first. token is the
// viewing admin's (their name rides in it).
func (a *App) settingsHistory(c *gin.Context, memberID, token string) ([]templates.SettingsChange, error) {
	rows, err := a.routeSettings.History(c.Request.Context(), memberID, 5)
	if err != nil {
		return nil, err
	}
	names := a.auditNames(c, memberID, token, rows)
	out := make([]templates.SettingsChange, 0, len(rows))
	for _, r := range rows {
		who := r.UserName
		if who == "" {
			who = names[r.UserID]
		}
		if who == "" {
			who = fmt.Sprintf("пользователь #%d", r.UserID)
		}
		routes := "все способы оплаты выключены"
		if r.Routes != "" {
			names := strings.Split(r.Routes, ", ")
			for i, code := range names {
				names[i] = routeTitles[code]
			}
			routes = "включены " + strings.Join(names, ", ")
		}
		out = append(out, templates.SettingsChange{At: r.ChangedAt.In(a.cfg.Timezone).Format("02.01.2006 15:04"), Who: who, Routes: routes})
	}
	return out, nil
}

// auditNames names the users of settings saves recorded before names were: the admin viewing the
// page, else the name the same user left in a later save or in a schedule's history. The app does
// not ask Bitrix24 (user.get needs the `user` scope, which the app does not request), so a user
// known nowhere stays «пользователь #N». Lookups that fail leave the ids unnamed.
func (a *App) auditNames(c *gin.Context, memberID, token string, rows []billing.SettingsChange) map[int64]string {
	names := map[int64]string{}
	var ids []int64
	for _, r := range rows {
		if r.UserName == "" && !slices.Contains(ids, r.UserID) {
			ids = append(ids, r.UserID)
		}
	}
	if len(ids) == 0 {
		return names
	}
	if viewer, err := a.tabs.verify(token, a.clock.Now()); err == nil && viewer.UserName != "" {
		names[viewer.UserID] = strings.TrimSpace(viewer.UserName)
	}
	ctx := c.Request.Context()
	for _, lookup := range []func(context.Context, string, []int64) (map[int64]string, error){
		a.routeSettings.UserNames, a.instalments.ActorNames} {
		found, err := lookup(ctx, memberID, ids)
		if err != nil {
			_ = c.Error(err)
		}
		for id, name := range found {
			if names[id] == "" {
				names[id] = name
			}
		}
	}
	return names
}

// vatLabel shows the VAT setting in Russian: «20 %» or «без НДС».
func vatLabel(setting string) string {
	if setting == "" || setting == string(schedules.VATNone) {
		return "без НДС"
	}
	return setting + " %"
}

// saveSettings stores the admin's payment settings sealed, switches the routes and registers them
// in Bitrix24's Sales Center.
func (a *App) saveSettings(c *gin.Context) {
	ctx := c.Request.Context()
	claims, ok := a.adminClaims(c)
	if !ok {
		return
	}
	current, err := a.effectiveBilling(ctx)
	if err != nil {
		_ = c.Error(err)
		a.renderError(c, http.StatusInternalServerError, "Ошибка", "Не удалось прочитать настройки.")
		return
	}
	saved := routeSettingsFrom(c, current)
	candidate := a.cfg.Billing.withSaved(saved)
	form := a.settingsForm(candidate, c.Query("token"))
	field, msg := secretFollowsURL(c, current, candidate)
	if field == "" {
		field, msg = checkRoutes(c, candidate)
	}
	if field != "" {
		// what the admin typed stays on the form (secrets never come back): a route switched on
		// stays ticked even when its secret is the field at fault
		form.Invoicebox.Enabled = c.PostForm("ib_enabled") == "1"
		form.SBP.Enabled = c.PostForm("sbp_enabled") == "1"
		form.Errors[field] = msg
		a.renderAppPage(c, http.StatusUnprocessableEntity, claims.MemberID, form)
		return
	}
	if err := a.routeSettings.SaveAll(ctx, claims.MemberID, saved, claims.UserID, claims.UserName); err != nil {
		_ = c.Error(err)
		a.renderError(c, http.StatusInternalServerError, "Ошибка", "Не удалось сохранить настройки.")
		return
	}
	providers, off, _ := buildProviders(candidate) // validated above
	a.payments.SetRoutes(providers, off)
	form.Notice = "Настройки оплаты сохранены."
	if cl, err := a.b24.For(ctx, claims.MemberID); err == nil {
		err = portal.EnsurePaySystems(ctx, cl, a.paySystems(), a.paySystemKey(claims.MemberID))
		if err != nil {
			form.Notice += " " + installErrorText(&portal.StepError{Step: portal.StepPaySystems, Err: err})
		}
	}
	a.renderAppPage(c, http.StatusOK, claims.MemberID, form)
}

// routeSettingsFrom reads the form; a secret left empty keeps the one in force.
func routeSettingsFrom(c *gin.Context, current BillingConfig) map[string]billing.Settings {
	keep := func(field, old string) string {
		if v := strings.TrimSpace(c.PostForm(field)); v != "" {
			return v
		}
		return old
	}
	out := current.switchedOff() // an existing route switched off keeps serving its live payments
	if c.PostForm("ib_enabled") == "1" {
		out["invoicebox"] = billing.Settings{"enabled": "1",
			"api_url":          strings.TrimRight(keep("ib_api_url", invoicebox.DefaultBaseURL), "/"),
			"merchant_id":      strings.TrimSpace(c.PostForm("ib_merchant_id")),
			"token":            keep("ib_token", current.InvoiceboxToken),
			"notification_key": keep("ib_notification_key", current.InvoiceboxKey)}
	}
	if c.PostForm("sbp_enabled") == "1" {
		out["sbp"] = billing.Settings{"enabled": "1", "api_url": strings.TrimRight(keep("sbp_api_url", current.SBPURL), "/"),
			"merchant_id": strings.TrimSpace(c.PostForm("sbp_merchant_id")), "secret_key": keep("sbp_secret_key", current.SBPSecretKey)}
	}
	return out
}

// checkRoutes validates the settings and asks Invoicebox whether it accepts the token; it returns
// the form field at fault and a message in Russian.
func checkRoutes(c *gin.Context, cfg BillingConfig) (string, string) {
	if cfg.InvoiceboxEnabled() || c.PostForm("ib_enabled") == "1" {
		if cfg.InvoiceboxToken == "" {
			return "ib_token", "Укажите токен API Invoicebox"
		}
	}
	if c.PostForm("sbp_enabled") == "1" && cfg.SBPSecretKey == "" {
		return "sbp_secret_key", "Укажите секретный ключ СБП"
	}
	if err := cfg.validate(); err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) && settingsFields[ce.Var] != "" {
			if strings.HasSuffix(ce.Var, "_URL") {
				return settingsFields[ce.Var], msgProviderURL
			}
			return settingsFields[ce.Var], "Обязательное поле"
		}
		return "ib_api_url", err.Error()
	}
	if !cfg.InvoiceboxEnabled() {
		return "", ""
	}
	client, err := invoicebox.New(cfg.invoiceboxConfig())
	if err == nil {
		err = client.CheckAuth(c.Request.Context())
	}
	if err != nil {
		return "ib_token", "Invoicebox не принял настройки: " + err.Error()
	}
	return "", ""
}
