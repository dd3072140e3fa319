package app

// BillingConfig holds the payment providers' settings for a single-portal install.
// (Filled in by the payments capability.)
type BillingConfig struct{}

// loadBilling reads the B24PAY_INVOICEBOX_* and B24PAY_SBP_* variables.
func loadBilling(get func(name, def string) string, dst *BillingConfig) error { return nil }
