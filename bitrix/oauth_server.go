package bitrix

import (
	"net/url"
	"strings"
)

// oauthHosts are Bitrix24's own OAuth servers. The install request names one in SERVER_ENDPOINT
// (server_endpoint in events), and the docs say to refresh tokens there
// (api-reference/widgets/universal/app-url.md, landing/embedding/block.md); our client secret goes
// to that host, so only these are ever taken from a request.
var oauthHosts = []string{"oauth.bitrix.info", "oauth.bitrix24.info", "oauth.bitrix24.tech"}

// OAuthServer returns the REST root of the OAuth server a request named ("https://oauth.bitrix.info/rest/")
// when it is one of Bitrix24's own; ok is false for anything else.
func OAuthServer(endpoint string) (root string, ok bool) {
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil || u.Scheme != "https" || u.User != nil || u.Port() != "" || u.RawQuery != "" {
		return "", false
	}
	if u.Path != "" && u.Path != "/" && u.Path != "/rest" && u.Path != "/rest/" {
		return "", false
	}
	host := strings.ToLower(u.Hostname())
	for _, h := range oauthHosts {
		if host == h {
			return "https://" + h + "/rest/", true
		}
	}
	return "", false
}
