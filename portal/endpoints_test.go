package portal

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOAuthServerFromInstallOnlyForBitrix24HostsAndNoOverride(t *testing.T) {
	t.Parallel()
	def := Endpoints{Server: "https://oauth.bitrix24.tech/rest/"}
	require.Equal(t, "https://oauth.bitrix.info/rest/", def.OAuthServer("https://oauth.bitrix.info/rest/"))
	require.Equal(t, def.Server, def.OAuthServer("https://attacker.example/rest/"), "a foreign host never gets the secret")
	require.Equal(t, def.Server, def.OAuthServer(""))
	fixed := Endpoints{Server: "https://oauth.example.test/rest/", ServerFixed: true}
	require.Equal(t, fixed.Server, fixed.OAuthServer("https://oauth.bitrix.info/rest/"), "configured value overrides")
}
