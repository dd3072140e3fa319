package app

import (
	"strings"

	"b24pay/finance"
)

// FinanceConfig configures the finance pages, exports and company payment reminders.
type FinanceConfig struct {
	// BIToken (B24PAY_BI_TOKEN) lets BI tools read GET /bi/finance with "Authorization: Bearer <token>";
	// unset, the endpoint answers 404.
	BIToken string
	// RemindDays (B24PAY_COMPANY_PAYMENT_REMIND_DAYS, default 3): the responsible user of a «Платежи
	// компании» item is notified this many days before its payment date; 0 turns it off.
	RemindDays int
	// Fees (B24PAY_FEES, e.g. "sbp=0.7,yookassa=2.8,invoicebox=1.5"): provider fees in percent per
	// route, so the finance pages show net amounts.
	Fees finance.Fees
}

// loadFinance reads B24PAY_BI_TOKEN, B24PAY_COMPANY_PAYMENT_REMIND_DAYS and B24PAY_FEES.
func loadFinance(get func(name, def string) string, dst *FinanceConfig) error {
	dst.BIToken = get("B24PAY_BI_TOKEN", "")
	if t := dst.BIToken; t != "" && (len(t) < 24 || strings.ContainsAny(t, " \t")) {
		return &ConfigError{"B24PAY_BI_TOKEN", "must be at least 24 characters without spaces (openssl rand -hex 24)"}
	}
	if err := parseInt("B24PAY_COMPANY_PAYMENT_REMIND_DAYS", get("B24PAY_COMPANY_PAYMENT_REMIND_DAYS", "3"), 0, 60, &dst.RemindDays); err != nil {
		return err
	}
	var err error
	if dst.Fees, err = finance.ParseFees(get("B24PAY_FEES", "")); err != nil {
		return &ConfigError{"B24PAY_FEES", err.Error()}
	}
	return nil
}
