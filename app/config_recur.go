package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/robfig/cron/v3"

	"b24pay/billing/yookassa"
	"b24pay/mail"
	"b24pay/subscriptions"
)

// RecurConfig holds the settings of recurring payments (subscriptions) and e-mail.
type RecurConfig struct {
	YooKassaURL       string   // B24PAY_YOOKASSA_API_URL
	YooKassaShopID    string   // B24PAY_YOOKASSA_SHOP_ID
	YooKassaSecretKey string   // B24PAY_YOOKASSA_SECRET_KEY
	YooKassaNotifyIPs []string // B24PAY_YOOKASSA_NOTIFY_IPS: comma-separated CIDRs notifications may come from
	CronSubscriptions string   // B24PAY_CRON_SUBSCRIPTIONS: the billing pass, default hourly
	DunningDays       []int    // B24PAY_DUNNING_DAYS: retry offsets in days, default 1,3,5
	DunningEnd        string   // B24PAY_DUNNING_END: suspended or cancelled
	Merchant          string   // B24PAY_MERCHANT_NAME: the seller's name shown to clients
	RemindDays        int      // B24PAY_SUBSCRIPTION_REMIND_DAYS: upcoming-charge e-mail, days before (0 = off)
	SBPSubscriptions  bool     // B24PAY_SBP_SUBSCRIPTIONS: the bank has SBP subscriptions (account binding) enabled
	Mail              mail.Config
}

// YooKassaEnabled tells whether the card route of subscriptions is configured.
func (r RecurConfig) YooKassaEnabled() bool { return r.YooKassaSecretKey != "" }

func loadRecur(get func(name, def string) string, dataDir string, dst *RecurConfig) error {
	*dst = RecurConfig{
		YooKassaURL:       get("B24PAY_YOOKASSA_API_URL", yookassa.ProductionURL),
		YooKassaShopID:    get("B24PAY_YOOKASSA_SHOP_ID", ""),
		YooKassaSecretKey: get("B24PAY_YOOKASSA_SECRET_KEY", ""),
		YooKassaNotifyIPs: splitList(get("B24PAY_YOOKASSA_NOTIFY_IPS", strings.Join(yookassa.NotificationNetworks, ","))),
		CronSubscriptions: get("B24PAY_CRON_SUBSCRIPTIONS", "0 * * * *"),
		DunningEnd:        get("B24PAY_DUNNING_END", subscriptions.AfterDunningSuspend),
		Merchant:          get("B24PAY_MERCHANT_NAME", ""),
	}
	days, err := parseDays(get("B24PAY_DUNNING_DAYS", "1,3,5"))
	if err != nil {
		return err
	}
	dst.DunningDays = days
	if dst.SBPSubscriptions, err = strconv.ParseBool(get("B24PAY_SBP_SUBSCRIPTIONS", "false")); err != nil {
		return &ConfigError{"B24PAY_SBP_SUBSCRIPTIONS", "must be true or false"}
	}
	if err := parseInt("B24PAY_SUBSCRIPTION_REMIND_DAYS", get("B24PAY_SUBSCRIPTION_REMIND_DAYS", "3"), 0, 30, &dst.RemindDays); err != nil {
		return err
	}
	if dst.Mail, err = mail.LoadConfig(get, dataDir); err != nil {
		var me *mail.ConfigError
		if errors.As(err, &me) {
			return &ConfigError{me.Var, me.Msg}
		}
		return err
	}
	return dst.validate()
}

func (r *RecurConfig) validate() error {
	if _, err := cron.ParseStandard(r.CronSubscriptions); err != nil {
		return &ConfigError{"B24PAY_CRON_SUBSCRIPTIONS", fmt.Sprintf("%q is not a cron spec: %v", r.CronSubscriptions, err)}
	}
	if err := (subscriptions.Config{Dunning: r.DunningDays, AfterDunning: r.DunningEnd}).Validate(); err != nil {
		return &ConfigError{"B24PAY_DUNNING_DAYS / B24PAY_DUNNING_END", err.Error()}
	}
	if _, err := yookassa.NewAllowlist(r.YooKassaNotifyIPs); err != nil {
		return &ConfigError{"B24PAY_YOOKASSA_NOTIFY_IPS", err.Error()}
	}
	if r.YooKassaEnabled() {
		return requireAll("B24PAY_YOOKASSA_SECRET_KEY", "B24PAY_YOOKASSA_API_URL", r.YooKassaURL,
			map[string]string{"B24PAY_YOOKASSA_SHOP_ID": r.YooKassaShopID})
	}
	return nil
}

func (r RecurConfig) yookassaConfig() yookassa.Config {
	return yookassa.Config{BaseURL: r.YooKassaURL, ShopID: r.YooKassaShopID, SecretKey: r.YooKassaSecretKey}
}

func parseDays(raw string) ([]int, error) {
	var days []int
	for _, part := range splitList(raw) {
		d, err := strconv.Atoi(part)
		if err != nil {
			return nil, &ConfigError{"B24PAY_DUNNING_DAYS", fmt.Sprintf("%q is not a list of whole days like 1,3,5", raw)}
		}
		days = append(days, d)
	}
	return days, nil
}

func splitList(raw string) []string {
	var out []string
	for _, p := range strings.Split(raw, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
