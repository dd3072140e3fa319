package app

import (
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// msgProviderURL is what the form says about a provider URL it refuses.
const msgProviderURL = "Нужен внешний адрес вида https://api.example.ru"

// secretFollowsURL refuses to send a stored secret to a new host: when a route's API URL changes,
// its secret must be entered again. Without B24PAY_ALLOW_PRIVATE_PROVIDER_HOSTS the new host must
// not resolve to a private or loopback address either. It returns the form field at fault.
func secretFollowsURL(c *gin.Context, current, next BillingConfig) (string, string) {
	routes := []struct {
		on                bool
		urlField, secret  string
		oldURL, newURL    string
		entered, hadStore bool
	}{
		{next.InvoiceboxEnabled(), "ib_api_url", "ib_token", current.InvoiceboxURL, next.InvoiceboxURL,
			strings.TrimSpace(c.PostForm("ib_token")) != "", current.InvoiceboxToken != ""},
		{next.SBPEnabled(), "sbp_api_url", "sbp_secret_key", current.SBPURL, next.SBPURL,
			strings.TrimSpace(c.PostForm("sbp_secret_key")) != "", current.SBPSecretKey != ""},
	}
	for _, r := range routes {
		if !r.on || r.newURL == strings.TrimRight(r.oldURL, "/") {
			continue
		}
		if !r.entered && r.hadStore {
			return r.secret, "Адрес API изменён — введите секрет заново"
		}
		if u, err := url.Parse(r.newURL); err == nil && !next.AllowPrivateHosts && resolvesPrivate(c.Request.Context(), u.Hostname()) {
			return r.urlField, msgProviderURL
		}
	}
	return "", ""
}
