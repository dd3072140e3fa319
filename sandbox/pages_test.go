package sandbox

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func (b *bundle) page(path string) string {
	b.t.Helper()
	resp, err := http.Get(b.url + path)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	require.Equal(b.t, http.StatusOK, resp.StatusCode, path)
	return string(body)
}

func (b *bundle) form(path string, values url.Values) *http.Response {
	b.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(b.url+path, values)
	require.NoError(b.t, err)
	resp.Body.Close()
	return resp
}

func TestHomePagesShowThePortalTheMailboxAndThePayPages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	home := b.page("/sandbox/")
	for _, want := range []string{"Поставка оборудования", "Лизинг грузового автомобиля", "Обучение персонала 1С",
		"120\u00a0000,00\u00a0₽", "Анна Админова", "Мария Продажина", "/crm/deal/details/1/?user=2", "/marketplace/app/b24pay/?user=1"} {
		require.Contains(t, home, want)
	}

	token := b.tab()
	rows := b.sixInstalments(token)
	qr := b.pay(token, rows[0].ID, "sbp")
	require.Contains(t, b.page("/sandbox/pay/"), "Платёж №1 по графику")
	pay := b.page("/sandbox/pay/" + qr.ID)
	require.Contains(t, pay, "Банк СБП: оплата 20\u00a0000,00\u00a0₽")
	require.Contains(t, pay, `id="decline"`)
	require.NotContains(t, pay, `id="part-pay"`, "an SBP QR has no part payment")

	resp := b.form("/sandbox/pay/"+qr.ID+"/pay", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Contains(t, b.page(strings.TrimPrefix(resp.Header.Get("Location"), b.url)), "Оплачено: 20\u00a0000,00\u00a0₽")

	portal := b.page("/sandbox/portal")
	require.Contains(t, portal, "Смарт-процесс «Платежи по графику»")
	require.Contains(t, portal, "Оплата 20\u00a0000,00\u00a0₽ через СБП", "the deal's timeline")
	require.Equal(t, 6, strings.Count(portal, `data-test="spa-item"`))

	require.Equal(t, http.StatusOK, b.call(http.MethodPost, "/api/v1/invite", token, map[string]any{}, nil))
	require.Equal(t, http.StatusOK, b.call(http.MethodPost, "/sandbox/api/cron/run", "", nil, nil))
	resp = b.form("/sandbox/clock", url.Values{"days": {"40"}, "back": {"/sandbox/portal"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, b.url+"/sandbox/portal", resp.Header.Get("Location"))
	require.Contains(t, b.page("/sandbox/portal"), "просрочен: срок был")

	var letters []Letter
	require.Equal(t, http.StatusOK, b.call(http.MethodGet, "/sandbox/api/mailbox", "", nil, &letters))
	require.Contains(t, b.page("/sandbox/mailbox"), letters[0].Subject)
	require.Contains(t, b.page("/sandbox/mailbox/"+letters[0].ID), "srcdoc=")
}

func TestPortalPagesFrameTheTabAndTheAppLikeBitrix24(t *testing.T) {
	t.Parallel()
	b := setup(t)
	get := func(u string) (int, string) {
		resp, err := http.Get(u)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	status, card := get(b.sb.frameURL("deal", 1, 2))
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, card, "Сделка «Поставка оборудования»")
	require.Contains(t, card, `action="`+b.url+`/b24/placement?`)
	require.Contains(t, card, `name="PLACEMENT" value="CRM_DEAL_DETAIL_TAB"`)
	require.Contains(t, card, `name="AUTH_ID"`)
	status, app := get(b.sb.appURL(1))
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, app, `action="`+b.url+`/b24/app?`)
	status, _ = get(b.sb.frameURL("deal", 1, 77))
	require.Equal(t, http.StatusNotFound, status, "no such user")

	resp, err := http.Post(b.url+"/sandbox/clock", "application/x-www-form-urlencoded", strings.NewReader("days=1"))
	require.NoError(t, err)
	resp.Body.Close()
	req, _ := http.NewRequest(http.MethodPost, b.url+"/sandbox/clock", strings.NewReader("days=30"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode, "another site's page cannot move the clock")
	require.InDelta(t, 1, b.sb.clockNow().AheadDays, 0.001)
}
