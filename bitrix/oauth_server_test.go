package bitrix

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOAuthServerAcceptsOnlyBitrix24Hosts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
	}{
		{"https://oauth.bitrix.info/rest/", "https://oauth.bitrix.info/rest/"},
		{"https://oauth.bitrix24.info/rest/", "https://oauth.bitrix24.info/rest/"},
		{"https://OAUTH.bitrix24.tech/rest", "https://oauth.bitrix24.tech/rest/"},
		{"https://oauth.bitrix.info", "https://oauth.bitrix.info/rest/"},
		{"http://oauth.bitrix.info/rest/", ""},
		{"https://oauth.bitrix.info.evil.example/rest/", ""},
		{"https://evil.example/rest/", ""},
		{"https://oauth.bitrix.info:8443/rest/", ""},
		{"https://user@oauth.bitrix.info/rest/", ""},
		{"https://oauth.bitrix.info/other/", ""},
		{"", ""},
	}
	for _, tc := range cases {
		got, ok := OAuthServer(tc.in)
		require.Equal(t, tc.want, got, tc.in)
		require.Equal(t, tc.want != "", ok, tc.in)
	}
}
