package sandbox

import (
	"fmt"
	"strings"
)

// realVariables point at real systems: a database server, a Bitrix24 portal, a payment provider,
// a mail server, or the identity of a production instance. The sandbox runs only when none is
// set, so it can never touch real money, a real portal or a real mailbox.
var realVariables = []string{"DATABASE_URL", "PGHOST",
	"B24PAY_B24_PORTAL_URL", "B24PAY_B24_OAUTH_URL", "B24PAY_B24_CLIENT_ID", "B24PAY_B24_CLIENT_SECRET",
	"B24PAY_INVOICEBOX_API_URL", "B24PAY_INVOICEBOX_TOKEN", "B24PAY_INVOICEBOX_MERCHANT_ID", "B24PAY_INVOICEBOX_NOTIFICATION_KEY",
	"B24PAY_SBP_API_URL", "B24PAY_SBP_MERCHANT_ID", "B24PAY_SBP_SECRET_KEY",
	"B24PAY_YOOKASSA_API_URL", "B24PAY_YOOKASSA_SHOP_ID", "B24PAY_YOOKASSA_SECRET_KEY",
	"B24PAY_SMTP_HOST", "B24PAY_SMTP_USER", "B24PAY_SMTP_PASSWORD",
	"B24PAY_PUBLIC_URL", "B24PAY_CABINET_URL", "B24PAY_SECRET_KEY"}

// CheckEnvironment refuses an environment that names a real system, in one line.
func CheckEnvironment(getenv func(string) string) error {
	var set []string
	for _, name := range realVariables {
		if getenv(name) != "" {
			set = append(set, name)
		}
	}
	if len(set) == 0 {
		return nil
	}
	return fmt.Errorf("sandbox refuses to start with %s set: it runs on fakes only and never touches a real "+
		"database, portal, provider or mail server (unset it, or run `b24pay serve`)", strings.Join(set, ", "))
}
