package app

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestTabToken(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	s := newTabSigner([]byte("0123456789abcdef0123456789abcdef"), 30*time.Minute)
	claims := TabClaims{MemberID: "m1", UserID: 7, OwnerType: "deal", OwnerID: 42}
	tok := s.sign(claims, now)

	got, err := s.verify(tok, now.Add(29*time.Minute))
	require.NoError(t, err)
	require.Equal(t, int64(42), got.OwnerID)
	require.Equal(t, "m1", got.MemberID)

	_, err = s.verify(tok, now.Add(30*time.Minute))
	require.ErrorIs(t, err, ErrTokenExpired)

	payload, sig, _ := strings.Cut(tok, ".")
	forged := strings.Replace(payload, "eyJ", "eyK", 1) + "." + sig
	_, err = s.verify(forged, now)
	require.ErrorIs(t, err, ErrTokenInvalid)

	other := newTabSigner([]byte("another master key of 32 bytes!!"), time.Hour)
	_, err = other.verify(tok, now)
	require.ErrorIs(t, err, ErrTokenInvalid)

	for _, garbage := range []string{"", ".", "abc", "a.b.c", tok + "x"} {
		_, err = s.verify(garbage, now)
		require.ErrorIs(t, err, ErrTokenInvalid, garbage)
	}
}
