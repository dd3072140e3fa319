package app

import "strings"

// FinanceConfig configures the finance exports.
type FinanceConfig struct {
	// BIToken (B24PAY_BI_TOKEN) lets BI tools read GET /bi/finance with "Authorization: Bearer <token>";
	// unset, the endpoint answers 404.
	BIToken string
}

// loadFinance reads B24PAY_BI_TOKEN.
func loadFinance(get func(name, def string) string, dst *FinanceConfig) error {
	dst.BIToken = get("B24PAY_BI_TOKEN", "")
	if t := dst.BIToken; t != "" && (len(t) < 24 || strings.ContainsAny(t, " \t")) {
		return &ConfigError{"B24PAY_BI_TOKEN", "must be at least 24 characters without spaces (openssl rand -hex 24)"}
	}
	return nil
}
