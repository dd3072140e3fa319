package app

import (
	"fmt"

	"github.com/robfig/cron/v3"

	"b24pay/billing/invoicebox"
)

// BillingConfig holds the payment routes' settings for a single-portal install.
type BillingConfig struct {
	InvoiceboxURL        string // B24PAY_INVOICEBOX_API_URL
	InvoiceboxToken      string // B24PAY_INVOICEBOX_TOKEN
	InvoiceboxMerchantID string // B24PAY_INVOICEBOX_MERCHANT_ID
	InvoiceboxKey        string // B24PAY_INVOICEBOX_NOTIFICATION_KEY
	CronReconcile        string // B24PAY_CRON_RECONCILE
}

// InvoiceboxEnabled tells whether the Invoicebox route is configured (it is hidden otherwise).
func (b BillingConfig) InvoiceboxEnabled() bool { return b.InvoiceboxToken != "" }

// loadBilling reads the B24PAY_INVOICEBOX_* variables.
func loadBilling(get func(name, def string) string, dst *BillingConfig) error {
	*dst = BillingConfig{
		InvoiceboxURL:        get("B24PAY_INVOICEBOX_API_URL", invoicebox.DefaultBaseURL),
		InvoiceboxToken:      get("B24PAY_INVOICEBOX_TOKEN", ""),
		InvoiceboxMerchantID: get("B24PAY_INVOICEBOX_MERCHANT_ID", ""),
		InvoiceboxKey:        get("B24PAY_INVOICEBOX_NOTIFICATION_KEY", ""),
		CronReconcile:        get("B24PAY_CRON_RECONCILE", "*/5 * * * *"),
	}
	if _, err := cron.ParseStandard(dst.CronReconcile); err != nil {
		return &ConfigError{"B24PAY_CRON_RECONCILE", fmt.Sprintf("%q is not a cron spec: %v", dst.CronReconcile, err)}
	}
	if !dst.InvoiceboxEnabled() {
		return nil
	}
	if err := validateBaseURL("B24PAY_INVOICEBOX_API_URL", dst.InvoiceboxURL); err != nil {
		return err
	}
	for name, v := range map[string]string{"B24PAY_INVOICEBOX_MERCHANT_ID": dst.InvoiceboxMerchantID,
		"B24PAY_INVOICEBOX_NOTIFICATION_KEY": dst.InvoiceboxKey} {
		if v == "" {
			return &ConfigError{name, "required when B24PAY_INVOICEBOX_TOKEN is set"}
		}
	}
	return nil
}

// invoiceboxConfig is the client configuration; secrets stay redacted in logs.
func (b BillingConfig) invoiceboxConfig() invoicebox.Config {
	return invoicebox.Config{BaseURL: b.InvoiceboxURL, Token: invoicebox.Secret(b.InvoiceboxToken),
		MerchantID: b.InvoiceboxMerchantID, NotificationKey: invoicebox.Secret(b.InvoiceboxKey), UserAgent: "b24pay/1"}
}
