package templates

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func render(t *testing.T, name string, data any) string {
	t.Helper()
	e, err := New()
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, e.Render(&b, name, data))
	return b.String()
}

func TestEveryPageRenders(t *testing.T) {
	t.Parallel()
	pages := map[string]any{
		"tab.html":     TabPage{Token: "tok", OwnerType: "deal", OwnerID: 7, APIBase: "/api/v1"},
		"install.html": InstallPage{OK: true, PortalDomain: "a.bitrix24.ru"},
		"app.html":     AppPage{PortalDomain: "a.bitrix24.ru", Installed: true, Schedules: 2, Instalments: 5, Debt: "1 000,00 ₽"},
		"home.html":    HomePage{Version: "1.2.3", PortalURL: "https://a.bitrix24.ru"},
		"error.html":   ErrorPage{Status: 401, Title: "Доступ запрещён", Message: "Обновите страницу."},
		"pay.html":     PayPage{State: "pay", Amount: "10 000,00 ₽", Purpose: "Платёж №1", Provider: "sbp", QRPath: "/pay/t/qr.png"},
	}
	for name, data := range pages {
		html := render(t, name, data)
		require.True(t, strings.HasPrefix(html, "<!doctype html>"), name)
		require.Contains(t, html, `lang="ru"`, name)
	}
	e, _ := New()
	require.Error(t, e.Render(io.Discard, "missing.html", nil))
}

func TestTabEmbedsTheTokenEscaped(t *testing.T) {
	t.Parallel()
	html := render(t, "tab.html", TabPage{Token: `a"><script>x</script>`, OwnerType: "deal", OwnerID: 1, APIBase: "/api/v1"})
	require.Contains(t, html, `<meta name="b24pay-token" content="a&#34;&gt;&lt;script&gt;x&lt;/script&gt;">`)
	require.NotContains(t, html, "<script>x</script>")
}

func TestInstallFinishesOnlyWhenInstalled(t *testing.T) {
	t.Parallel()
	require.Contains(t, render(t, "install.html", InstallPage{OK: true}), "BX24.installFinish()")
	failed := render(t, "install.html", InstallPage{Error: "Не хватает прав"})
	require.NotContains(t, failed, "installFinish")
	require.Contains(t, failed, "Не хватает прав")
}

func TestStaticAssetsAreServed(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"/tabkit.js", "/tab.js", "/b24pay.css"} {
		f, err := Static().Open(name)
		require.NoError(t, err, name)
		st, err := f.Stat()
		require.NoError(t, err)
		require.Positive(t, st.Size())
		f.Close()
	}
	_, err := Static().Open("/../templates.go")
	require.Error(t, err)
	var _ http.FileSystem = Static()
}
