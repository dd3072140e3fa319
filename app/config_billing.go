package app

import (
	"fmt"
	"strconv"
	"time"

	"github.com/robfig/cron/v3"

	"b24pay/billing"
	"b24pay/billing/invoicebox"
	"b24pay/billing/sbp"
	"b24pay/schedules"
)

// BillingConfig holds the payment routes' settings for a single-portal install.
type BillingConfig struct {
	InvoiceboxURL        string // B24PAY_INVOICEBOX_API_URL
	InvoiceboxToken      string // B24PAY_INVOICEBOX_TOKEN
	InvoiceboxMerchantID string // B24PAY_INVOICEBOX_MERCHANT_ID
	InvoiceboxKey        string // B24PAY_INVOICEBOX_NOTIFICATION_KEY
	InvoiceboxVAT        string // B24PAY_INVOICEBOX_VAT: one of schedules.VATRates (% included in prices)
	CronReconcile        string // B24PAY_CRON_RECONCILE
	SBPURL               string // B24PAY_SBP_API_URL
	SBPMerchantID        string // B24PAY_SBP_MERCHANT_ID
	SBPSecretKey         string // B24PAY_SBP_SECRET_KEY
	// Default payment time limits (the tab may choose another per invoice); trusted clients get
	// the 30-day deferral instead.
	InvoiceboxTimeLimit time.Duration // B24PAY_INVOICEBOX_TIME_LIMIT
	SBPQRTTL            time.Duration // B24PAY_SBP_QR_TTL
	// Routes an admin switched off: no new payments, but their notifications, reconciliation and
	// refunds go on with these settings.
	InvoiceboxOff     *BillingConfig
	SBPOff            *BillingConfig
	AllowPrivateHosts bool // B24PAY_ALLOW_PRIVATE_PROVIDER_HOSTS: provider APIs on http/loopback (tests, sandbox)
}

// SBPEnabled tells whether the SBP route is configured (it is hidden otherwise).
func (b BillingConfig) SBPEnabled() bool { return b.SBPSecretKey != "" }

// InvoiceboxEnabled tells whether the Invoicebox route is configured (it is hidden otherwise).
func (b BillingConfig) InvoiceboxEnabled() bool { return b.InvoiceboxToken != "" }

// loadBilling reads the B24PAY_INVOICEBOX_* variables.
func loadBilling(get func(name, def string) string, dst *BillingConfig) error {
	*dst = BillingConfig{
		InvoiceboxURL:        get("B24PAY_INVOICEBOX_API_URL", invoicebox.DefaultBaseURL),
		InvoiceboxToken:      get("B24PAY_INVOICEBOX_TOKEN", ""),
		InvoiceboxMerchantID: get("B24PAY_INVOICEBOX_MERCHANT_ID", ""),
		InvoiceboxKey:        get("B24PAY_INVOICEBOX_NOTIFICATION_KEY", ""),
		InvoiceboxVAT:        get("B24PAY_INVOICEBOX_VAT", "none"),
		CronReconcile:        get("B24PAY_CRON_RECONCILE", "*/5 * * * *"),
		SBPURL:               get("B24PAY_SBP_API_URL", sbp.ProductionURL),
		SBPMerchantID:        get("B24PAY_SBP_MERCHANT_ID", ""),
		SBPSecretKey:         get("B24PAY_SBP_SECRET_KEY", ""),
	}
	allow, err := strconv.ParseBool(get("B24PAY_ALLOW_PRIVATE_PROVIDER_HOSTS", "false"))
	if err != nil {
		return &ConfigError{"B24PAY_ALLOW_PRIVATE_PROVIDER_HOSTS", "must be true or false"}
	}
	dst.AllowPrivateHosts = allow
	for _, v := range []struct {
		name string
		dst  *time.Duration
	}{{"B24PAY_INVOICEBOX_TIME_LIMIT", &dst.InvoiceboxTimeLimit}, {"B24PAY_SBP_QR_TTL", &dst.SBPQRTTL}} {
		if *v.dst, err = parseTimeLimit(v.name, get(v.name, "72h")); err != nil {
			return err
		}
	}
	return dst.validate()
}

// parseTimeLimit reads a payment time limit: a Go duration from billing.MinTimeLimit to
// billing.MaxTimeLimit.
func parseTimeLimit(name, raw string) (time.Duration, error) {
	d, err := time.ParseDuration(raw)
	if err != nil {
		return 0, &ConfigError{name, fmt.Sprintf("%q is not a duration (e.g. 15m, 24h, 720h)", raw)}
	}
	if err := billing.CheckTimeLimit(d); err != nil {
		return 0, &ConfigError{name, err.Error()}
	}
	return d, nil
}

// validate checks the routes that are switched on.
func (b *BillingConfig) validate() error {
	if _, err := cron.ParseStandard(b.CronReconcile); err != nil {
		return &ConfigError{"B24PAY_CRON_RECONCILE", fmt.Sprintf("%q is not a cron spec: %v", b.CronReconcile, err)}
	}
	if _, ok := vatCode(b.InvoiceboxVAT); !ok {
		return &ConfigError{"B24PAY_INVOICEBOX_VAT", fmt.Sprintf("%q is not %s", b.InvoiceboxVAT, schedules.VATRateList())}
	}
	if b.InvoiceboxEnabled() {
		if err := requireAll("B24PAY_INVOICEBOX_TOKEN", "B24PAY_INVOICEBOX_API_URL", b.InvoiceboxURL,
			map[string]string{"B24PAY_INVOICEBOX_MERCHANT_ID": b.InvoiceboxMerchantID,
				"B24PAY_INVOICEBOX_NOTIFICATION_KEY": b.InvoiceboxKey}); err != nil {
			return err
		}
	}
	if b.SBPEnabled() {
		if err := requireAll("B24PAY_SBP_SECRET_KEY", "B24PAY_SBP_API_URL", b.SBPURL,
			map[string]string{"B24PAY_SBP_MERCHANT_ID": b.SBPMerchantID}); err != nil {
			return err
		}
	}
	return b.checkProviderHosts()
}

// withSaved applies what a portal admin saved on the settings page over the environment: a saved
// route replaces the environment's, a route saved as switched off is off.
func (b BillingConfig) withSaved(saved map[string]billing.Settings) BillingConfig {
	if v, ok := saved["invoicebox"]; ok {
		b.InvoiceboxURL, b.InvoiceboxToken = v["api_url"], v["token"]
		b.InvoiceboxMerchantID, b.InvoiceboxKey = v["merchant_id"], v["notification_key"]
		if v["enabled"] != "1" {
			b.InvoiceboxOff = offRoute(b.InvoiceboxToken != "", BillingConfig{InvoiceboxURL: b.InvoiceboxURL,
				InvoiceboxToken: b.InvoiceboxToken, InvoiceboxMerchantID: b.InvoiceboxMerchantID, InvoiceboxKey: b.InvoiceboxKey,
				InvoiceboxVAT: b.InvoiceboxVAT})
			b.InvoiceboxURL, b.InvoiceboxToken, b.InvoiceboxMerchantID, b.InvoiceboxKey = "", "", "", ""
		}
	}
	if v, ok := saved["sbp"]; ok {
		b.SBPURL, b.SBPMerchantID, b.SBPSecretKey = v["api_url"], v["merchant_id"], v["secret_key"]
		if v["enabled"] != "1" {
			b.SBPOff = offRoute(b.SBPSecretKey != "", BillingConfig{SBPURL: b.SBPURL, SBPMerchantID: b.SBPMerchantID,
				SBPSecretKey: b.SBPSecretKey})
			b.SBPURL, b.SBPMerchantID, b.SBPSecretKey = "", "", ""
		}
	}
	return b
}

func offRoute(configured bool, c BillingConfig) *BillingConfig {
	if !configured {
		return nil
	}
	return &c
}

// switchedOff is what is saved for routes the admin leaves off: the settings of a route that was
// on, so that its live payments are still served.
func (b BillingConfig) switchedOff() map[string]billing.Settings {
	ib, qr := billing.Settings{"enabled": "0"}, billing.Settings{"enabled": "0"}
	if c := b.InvoiceboxOff; b.InvoiceboxEnabled() || c != nil {
		if c == nil {
			c = &b
		}
		ib["api_url"], ib["token"], ib["merchant_id"], ib["notification_key"] = c.InvoiceboxURL, c.InvoiceboxToken,
			c.InvoiceboxMerchantID, c.InvoiceboxKey
	}
	if c := b.SBPOff; b.SBPEnabled() || c != nil {
		if c == nil {
			c = &b
		}
		qr["api_url"], qr["merchant_id"], qr["secret_key"] = c.SBPURL, c.SBPMerchantID, c.SBPSecretKey
	}
	return map[string]billing.Settings{"invoicebox": ib, "sbp": qr}
}

// requireAll checks a configured route: its API URL and the other variables it cannot work without.
func requireAll(trigger, urlVar, url string, required map[string]string) error {
	if err := validateBaseURL(urlVar, url); err != nil {
		return err
	}
	for name, v := range required {
		if v == "" {
			return &ConfigError{name, "required when " + trigger + " is set"}
		}
	}
	return nil
}

// vatCode maps the VAT setting, one of schedules.VATRates, to Invoicebox's code (tax included
// in the price).
func vatCode(setting string) (invoicebox.VATCode, bool) {
	rate, err := schedules.ParseVATRate(setting)
	if err != nil {
		return "", false
	}
	code := invoicebox.VATCode("RUS_VAT" + string(rate))
	if rate == schedules.VATNone {
		code = invoicebox.VATNone
	}
	_, ok := code.Rate()
	return code, ok
}

// sbpConfig is the SBP client configuration.
func (b BillingConfig) sbpConfig() sbp.Config {
	return sbp.Config{BaseURL: b.SBPURL, SBPMerchantID: b.SBPMerchantID, SecretKey: b.SBPSecretKey}
}

// invoiceboxConfig is the client configuration; secrets stay redacted in logs.
func (b BillingConfig) invoiceboxConfig() invoicebox.Config {
	return invoicebox.Config{BaseURL: b.InvoiceboxURL, Token: invoicebox.Secret(b.InvoiceboxToken),
		MerchantID: b.InvoiceboxMerchantID, NotificationKey: invoicebox.Secret(b.InvoiceboxKey), UserAgent: "b24pay/1",
		MaxTimeLimit: billing.MaxTimeLimit} // the seller chooses any limit in billing's range
}
