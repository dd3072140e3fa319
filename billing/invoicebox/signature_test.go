package invoicebox

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Test vectors from the reference: the SDK example (1028 bytes, key "test") and ours.
const (
	ourVectorBody = `{"id":"0193a1b2-0000-7000-8000-000000000001","status":"completed","merchantId":"ffffffff-ffff-ffff-ffff-ffffffffffff","merchantOrderId":"INV-2026-0042","amount":12200.00,"currencyId":"RUB"}`
	ourVectorSig  = "6bbfa0a6e2ae0a832c53e557cf764ff136d583e3"
	sdkVectorSig  = "4731e2fb446ba519fd9d8798a1a0873f073189e8"
)

func sdkVectorBody(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/sdk-payment-notification.json")
	require.NoError(t, err)
	require.Len(t, b, 1028)
	return b
}

func signed(sig string) http.Header {
	h := http.Header{}
	if sig != "" {
		h.Set(SignatureHeader, sig)
	}
	return h
}

func TestSignVectors(t *testing.T) {
	t.Parallel()
	require.Equal(t, ourVectorSig, Sign([]byte(ourVectorBody), "demo-notify-key"))
	require.Equal(t, sdkVectorSig, Sign(sdkVectorBody(t), "test"))
}

func TestVerifySignature(t *testing.T) {
	t.Parallel()
	raw, _ := hex.DecodeString(ourVectorSig)
	tests := []struct {
		name string
		body string
		sig  string
		key  string
		want error
	}{
		{"OurVector", ourVectorBody, ourVectorSig, "demo-notify-key", nil},
		{"UpperCaseHex", ourVectorBody, strings.ToUpper(ourVectorSig), "demo-notify-key", nil},
		{"Base64Reading", ourVectorBody, base64.StdEncoding.EncodeToString(raw), "demo-notify-key", nil},
		{"RawURLBase64Reading", ourVectorBody, base64.RawURLEncoding.EncodeToString(raw), "demo-notify-key", nil},
		{"SurroundingSpaces", ourVectorBody, " " + ourVectorSig + " ", "demo-notify-key", nil},
		{"TamperedAmount", strings.Replace(ourVectorBody, "12200.00", "12200.01", 1), ourVectorSig, "demo-notify-key", ErrSignatureMismatch},
		{"ReserialisedBody", strings.Replace(ourVectorBody, "12200.00", "12200", 1), ourVectorSig, "demo-notify-key", ErrSignatureMismatch},
		{"WrongKey", ourVectorBody, ourVectorSig, "api-token", ErrSignatureMismatch},
		{"MissingHeader", ourVectorBody, "", "demo-notify-key", ErrMissingSignature},
		{"TruncatedSignature", ourVectorBody, ourVectorSig[:39], "demo-notify-key", ErrSignatureMismatch},
		{"NotHex", ourVectorBody, strings.Repeat("z", 40), "demo-notify-key", ErrSignatureMismatch},
		{"NoKeyConfigured", ourVectorBody, ourVectorSig, "", ErrNoNotificationKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := VerifySignature([]byte(tt.body), signed(tt.sig), tt.key)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			if tt.want != ErrNoNotificationKey {
				require.ErrorIs(t, err, ErrBadSignature)
				require.Equal(t, AnswerSignatureError, AnswerFor(err).Code)
			}
		})
	}
}

func TestVerifySignatureSDKVectorKeepsEscapedSlashes(t *testing.T) {
	t.Parallel()
	body := sdkVectorBody(t)
	require.NoError(t, VerifySignature(body, signed(sdkVectorSig), "test"))
	unescaped := []byte(strings.ReplaceAll(string(body), `\/`, `/`))
	require.ErrorIs(t, VerifySignature(unescaped, signed(sdkVectorSig), "test"), ErrBadSignature)
}

func BenchmarkVerifySignature(b *testing.B) {
	body := sdkVectorBody(b)
	h := signed(sdkVectorSig)
	for b.Loop() {
		if err := VerifySignature(body, h, "test"); err != nil {
			b.Fatal(err)
		}
	}
}

func hexString(b []byte) string { return hex.EncodeToString(b) }

func errorIs(err, target error) bool { return errors.Is(err, target) }
