package secret_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/secret"
)

func newBox(t *testing.T, fill byte) *secret.Box {
	t.Helper()
	b, err := secret.New(bytes.Repeat([]byte{fill}, secret.KeySize))
	require.NoError(t, err)
	return b
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	b := newBox(t, 7)
	sealed, err := b.Seal("refresh-token-123", "portal:a")
	require.NoError(t, err)
	require.NotContains(t, sealed, "refresh-token-123")
	got, err := b.Open(sealed, "portal:a")
	require.NoError(t, err)
	require.Equal(t, "refresh-token-123", got)
}

func TestSealIsRandomised(t *testing.T) {
	t.Parallel()
	b := newBox(t, 7)
	a1, _ := b.Seal("x", "")
	a2, _ := b.Seal("x", "")
	require.NotEqual(t, a1, a2)
}

func TestOpenRejects(t *testing.T) {
	t.Parallel()
	b := newBox(t, 7)
	sealed, err := b.Seal("secret value", "portal:a")
	require.NoError(t, err)
	flip := func(s string, i int) string {
		c := []byte(s)
		if c[i] == 'A' {
			c[i] = 'B'
		} else {
			c[i] = 'A'
		}
		return string(c)
	}
	cases := map[string]struct {
		sealed, assoc string
		box           *secret.Box
	}{
		"TamperedCiphertext": {flip(sealed, len(sealed)-5), "portal:a", b},
		"TamperedNonce":      {flip(sealed, 5), "portal:a", b},
		"Truncated":          {sealed[:len(sealed)-4], "portal:a", b},
		"OtherAssociated":    {sealed, "portal:b", b},
		"OtherKey":           {sealed, "portal:a", newBox(t, 8)},
		"NoVersion":          {strings.TrimPrefix(sealed, "v1:"), "portal:a", b},
		"Empty":              {"", "portal:a", b},
		"NotBase64":          {"v1:@@@@", "portal:a", b},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := tc.box.Open(tc.sealed, tc.assoc)
			require.ErrorIs(t, err, secret.ErrTampered)
		})
	}
}

func TestNewRejectsShortKey(t *testing.T) {
	t.Parallel()
	_, err := secret.New(make([]byte, 16))
	require.Error(t, err)
}
