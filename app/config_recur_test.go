package app

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRecurringConfig(t *testing.T) {
	t.Parallel()
	load := func(env map[string]string) (Config, error) {
		return LoadConfig(func(k string) string { return env[k] })
	}
	c, err := load(map[string]string{})
	require.NoError(t, err)
	require.Equal(t, []int{1, 3, 5}, c.Recur.DunningDays)
	require.Equal(t, "0 * * * *", c.Recur.CronSubscriptions)
	require.False(t, c.Recur.YooKassaEnabled())
	require.False(t, c.Recur.Mail.SMTP())

	for name, env := range map[string]map[string]string{
		"B24PAY_CRON_SUBSCRIPTIONS":                {"B24PAY_CRON_SUBSCRIPTIONS": "hourly"},
		"B24PAY_DUNNING_DAYS":                      {"B24PAY_DUNNING_DAYS": "1,x"},
		"B24PAY_DUNNING_DAYS / B24PAY_DUNNING_END": {"B24PAY_DUNNING_DAYS": "3,1"},
		"B24PAY_YOOKASSA_SHOP_ID":                  {"B24PAY_YOOKASSA_SECRET_KEY": "test_x"},
		"B24PAY_YOOKASSA_NOTIFY_IPS":               {"B24PAY_YOOKASSA_NOTIFY_IPS": "not-an-ip"},
		"B24PAY_SMTP_TLS":                          {"B24PAY_SMTP_HOST": "smtp.example.ru", "B24PAY_SMTP_TLS": "ssl"},
		"B24PAY_SUBSCRIPTION_REMIND_DAYS":          {"B24PAY_SUBSCRIPTION_REMIND_DAYS": "99"},
		"B24PAY_SBP_SUBSCRIPTIONS":                 {"B24PAY_SBP_SUBSCRIPTIONS": "maybe"},
	} {
		_, err := load(env)
		require.Error(t, err, name)
		require.Contains(t, err.Error(), name)
	}
}
