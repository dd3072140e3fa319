package app

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/clock"
)

// Issue 18, item 12: the settings form lists the webhook URLs to give each provider and the VAT
// setting, and a failed validation keeps what the admin typed — except the secrets.
func TestSettingsFormKeepsWhatWasTypedAndShowsWebhooks(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect)
		status, _ := e.install()
		require.Equal(t, http.StatusOK, status)
		status, page := e.appPage(1)
		require.Equal(t, http.StatusOK, status)
		public := e.app.cfg.PublicURL
		require.Contains(t, page, "<code>"+public+"/webhooks/invoicebox</code>")
		require.Contains(t, page, "<code>"+public+"/webhooks/sbp</code>")
		require.NotContains(t, page, "/webhooks/yookassa", "YooKassa is not configured")
		require.Contains(t, page, "НДС в счетах Invoicebox: без НДС")

		m := settingsToken.FindStringSubmatch(page)
		require.NotNil(t, m)
		status, page = e.saveSettings(url.Values{"token": {m[1]}, "sbp_enabled": {"1"},
			"sbp_api_url": {"https://qr.bank.example"}, "sbp_merchant_id": {"MA0000012345"}})
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, page, "Укажите секретный ключ СБП")
		require.Contains(t, page, `name="sbp_enabled" value="1" checked`, "the route stays ticked")
		require.Contains(t, page, `name="sbp_api_url" value="https://qr.bank.example"`)
		require.Contains(t, page, `name="sbp_merchant_id" value="MA0000012345"`)
		require.Contains(t, page, "<code>"+public+"/webhooks/sbp</code>", "the webhooks are shown after an error too")

		status, page = e.saveSettings(url.Values{"token": {m[1]}, "ib_enabled": {"1"}, "ib_api_url": {"ftp://ib.example"},
			"ib_merchant_id": {"4242"}, "ib_token": {"typed-secret-token"}})
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, page, `name="ib_enabled" value="1" checked`)
		require.Contains(t, page, `name="ib_merchant_id" value="4242"`)
		require.NotContains(t, page, "typed-secret-token", "secrets are never shown back")
	})
}

// Issue 18, item 12: each save of the settings records who saved them and when; the page lists the
// last saves, a refused save records nothing.
func TestSettingsSavesAreRecorded(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect)
		status, _ := e.install()
		require.Equal(t, http.StatusOK, status)
		_, page := e.appPage(1)
		require.NotContains(t, page, `data-test="settings-history"`, "nothing saved yet")
		token := settingsToken.FindStringSubmatch(page)[1]
		sbpForm := url.Values{"token": {token}, "sbp_enabled": {"1"}, "sbp_api_url": {"https://qr.bank.example"},
			"sbp_merchant_id": {"MA0000012345"}}
		status, _ = e.saveSettings(sbpForm)
		require.Equal(t, http.StatusUnprocessableEntity, status)
		var n int64
		require.NoError(t, e.db.Table("settings_audit").Count(&n).Error)
		require.Zero(t, n, "a refused save is not recorded")

		sbpForm.Set("sbp_secret_key", "s3cret-key")
		status, page = e.saveSettings(sbpForm)
		require.Equal(t, http.StatusOK, status, page)
		e.clock.Advance(time.Hour)
		status, page = e.saveSettings(url.Values{"token": {token}})
		require.Equal(t, http.StatusOK, status, page)
		require.NotContains(t, page, "s3cret-key")
		history := regexp.MustCompile(`<li><time>([^<]+)</time> — ([^<]+)</li>`).FindAllStringSubmatch(page, -1)
		require.Len(t, history, 2, page)
		require.Equal(t, e.clock.Now().In(e.app.cfg.Timezone).Format("02.01.2006 15:04"), history[0][1], "newest first")
		require.Equal(t, "Анна Админова: все способы оплаты выключены", history[0][2], "the admin's name, as the portal's profile gives it")
		require.Equal(t, "Анна Админова: включены СБП", history[1][2])
	})
}

// Issue 18, item 12: «Проверить подключение» asks each provider with the settings in force and
// says in Russian whether it accepts them.
func TestSettingsCheckConnection(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withInvoicebox(t), withSBP(t))
		status, _ := e.install()
		require.Equal(t, http.StatusOK, status)
		_, page := e.appPage(1)
		require.Contains(t, page, `id="check-invoicebox"`)
		require.Contains(t, page, `id="check-sbp"`)
		token := settingsToken.FindStringSubmatch(page)[1]
		check := func(route string) string {
			resp, err := http.PostForm(e.url+"/b24/settings/check?token="+url.QueryEscape(token), url.Values{"route": {route}})
			require.NoError(t, err)
			defer resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
			b, _ := io.ReadAll(resp.Body)
			return string(b)
		}
		require.Contains(t, check("invoicebox"), "Invoicebox: подключение работает, токен принят.")
		require.Contains(t, check("sbp"), "СБП: подключение работает, банк принял ключ.")
		require.Contains(t, check("yandex"), "Неизвестный способ оплаты.")
	})
}

func TestSettingsCheckConnectionReportsARefusedKey(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withSBP(t), func(_ *e2e, env map[string]string, _ *clock.Frozen, _ string) {
			env["B24PAY_SBP_SECRET_KEY"] = "not-the-bank-key"
		})
		status, _ := e.install()
		require.Equal(t, http.StatusOK, status)
		_, page := e.appPage(1)
		token := settingsToken.FindStringSubmatch(page)[1]
		resp, err := http.PostForm(e.url+"/b24/settings/check?token="+url.QueryEscape(token), url.Values{"route": {"sbp"}})
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		require.Contains(t, string(b), "СБП: банк не принял секретный ключ.")
		require.NotContains(t, string(b), "not-the-bank-key")
	})
}

// Issue 18: settings saves recorded before names were (user_name empty) are named where the app
// knows the user: the admin viewing the page, a later save by the same user, or the user's name in a
// schedule's history; a user known nowhere stays «пользователь #N».
func TestOldSettingsSavesNameTheirUsersWherePossible(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect)
		status, _ := e.install()
		require.Equal(t, http.StatusOK, status)
		token := e.openTab(e.dealID, 2) // the manager (user 2) leaves his name in the schedule's history
		require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/schedule", twelveMonths(), nil))
		member := e.portal.MemberID()
		at := e.clock.Now().Add(-time.Hour)
		for i, u := range []int64{1, 2, 7, 3} {
			name := ""
			if u == 3 {
				name = "Пётр Старый" // user 3's later save carries his name
			}
			require.NoError(t, e.db.Create(&billing.SettingsChange{MemberID: member, UserID: u, UserName: name,
				ChangedAt: at.Add(time.Duration(i) * time.Minute)}).Error)
		}
		require.NoError(t, e.db.Create(&billing.SettingsChange{MemberID: member, UserID: 3, ChangedAt: at.Add(-time.Minute)}).Error)

		_, page := e.appPage(1)
		history := regexp.MustCompile(`<li><time>[^<]+</time> — ([^<:]+):`).FindAllStringSubmatch(page, -1)
		var who []string
		for _, h := range history {
			who = append(who, h[1])
		}
		require.Equal(t, []string{"Пётр Старый", "пользователь #7", "Иван Менеджеров", "Анна Админова", "Пётр Старый"}, who, page)
	})
}
