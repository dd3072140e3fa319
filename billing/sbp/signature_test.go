package sbp_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/billing/sbp"
)

// The bank's Java SDK test notification and key (SbpUtilTest / TestData.java).
const (
	sdkBody = `{"transactionId":17998,"qrId":"AS1000408BSPMRDI8IHBGO4DFQAISU9O","sbpMerchantId":"MA0000000552",` +
		`"merchantId":123,"amount":101.01,"currency":"RUB","transactionDate":"2020-07-24T17:20:00.999232+03:00",` +
		`"paymentStatus":"SUCCESS","additionalInfo":null,"order":"dfe0ff08-4796-46bb-a9fb-93fcd99ce748",` +
		`"createDate":"2020-07-24T17:19:58+03:00"}`
	sdkKey       = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJNQTAwMDAwMDA1NTIiLCJqdGkiOiIwZTRhODI2ZC0zMTk3LTQ5YWUtYjRlYS0zZDllOGRkODIyOGEifQ.Q-AVaDBzvfkz6I8ZCVgvGIWpWTUgotRDmTcs4ysR0Qc"
	sdkSignature = "1eca6a084ff8a5b4f5740e0eeab2a72d8ff981bce5b5dea75a53bf44944a8c8d"

	// Our own vector from the reference (key demo-secret).
	ourBody = `{"transactionId":41,"qrId":"AD100004BAL7227F9BNP6KNE007J9B3K","sbpMerchantId":"MA0000000552",` +
		`"merchantId":123,"amount":1500.5,"currency":"RUB","transactionDate":"2026-11-20T12:30:05.123456+03:00",` +
		`"paymentStatus":"SUCCESS","additionalInfo":"","order":"INV-2026-0042","createDate":"2026-11-20T12:29:41+03:00"}`
	ourKey       = "demo-secret"
	ourSignature = "d339b3b7cd204524f39baf883c233f83f62bb5d049effc3efd4b9ecc55b93f94"
)

func signed(sig string) http.Header {
	h := http.Header{}
	if sig != "" {
		h.Set(sbp.SignatureHeader, sig)
	}
	return h
}

func TestSignatureVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, message, key, want string
	}{
		{"BankSDKVector", "101.01|MA0000000552|dfe0ff08-4796-46bb-a9fb-93fcd99ce748|SUCCESS|2020-07-24T17:20:00.999232+03:00", sdkKey, sdkSignature},
		{"ReferenceVector", "1500.5|MA0000000552|INV-2026-0042|SUCCESS|2026-11-20T12:30:05.123456+03:00", ourKey, ourSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, sbp.Sign(tt.message, tt.key))
		})
	}
}

func TestSignedMessageJoinsFiveFieldsInOrder(t *testing.T) {
	t.Parallel()
	require.Equal(t, "1|M|O|S|D", sbp.SignedMessage("1", "M", "O", "S", "D"))
}

func TestSignBodyReproducesVectors(t *testing.T) {
	t.Parallel()
	got, err := sbp.SignBody([]byte(sdkBody), sdkKey)
	require.NoError(t, err)
	require.Equal(t, sdkSignature, got)
	got, err = sbp.SignBody([]byte(ourBody), ourKey)
	require.NoError(t, err)
	require.Equal(t, ourSignature, got)
}

func TestVerifySignature(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		header  http.Header
		key     string
		wantErr error
	}{
		{"BankSDKNotification", sdkBody, signed(sdkSignature), sdkKey, nil},
		{"ReferenceNotification", ourBody, signed(ourSignature), ourKey, nil},
		{"UpperCaseHexAccepted", sdkBody, signed(strings.ToUpper(sdkSignature)), sdkKey, nil},
		{"SurroundingSpacesAccepted", sdkBody, signed(" " + sdkSignature + " "), sdkKey, nil},
		{"WrongKey", sdkBody, signed(sdkSignature), ourKey, sbp.ErrBadSignature},
		{"EmptyKeyNeverAccepts", sdkBody, signed(sdkSignature), "", sbp.ErrBadSignature},
		{"MissingHeader", sdkBody, signed(""), sdkKey, sbp.ErrSignatureMissing},
		{"NilHeader", sdkBody, nil, sdkKey, sbp.ErrSignatureMissing},
		{"NotHex", sdkBody, signed(strings.Repeat("zz", 32)), sdkKey, sbp.ErrBadSignature},
		{"TruncatedDigest", sdkBody, signed(sdkSignature[:62]), sdkKey, sbp.ErrBadSignature},
		{"AmountTampered", strings.Replace(sdkBody, "101.01", "1010.1", 1), signed(sdkSignature), sdkKey, sbp.ErrBadSignature},
		{"OrderTampered", strings.Replace(sdkBody, "dfe0ff08", "dfe0ff09", 1), signed(sdkSignature), sdkKey, sbp.ErrBadSignature},
		{"StatusTampered", strings.Replace(sdkBody, `"SUCCESS"`, `"DECLINED"`, 1), signed(sdkSignature), sdkKey, sbp.ErrBadSignature},
		{"DateTampered", strings.Replace(sdkBody, "999232", "999233", 1), signed(sdkSignature), sdkKey, sbp.ErrBadSignature},
		{"MerchantTampered", strings.Replace(sdkBody, `"sbpMerchantId":"MA0000000552"`, `"sbpMerchantId":"MA0000000553"`, 1), signed(sdkSignature), sdkKey, sbp.ErrBadSignature},
		{"UnsignedFieldChangedStillValid", strings.Replace(sdkBody, `"merchantId":123`, `"merchantId":124`, 1), signed(sdkSignature), sdkKey, nil},
		{"AmountWithTrailingZeroSignedMinimal", strings.Replace(sdkBody, "101.01", "101.010", 1), signed(sdkSignature), sdkKey, nil},
		{"AmountAsStringSignedMinimal", strings.Replace(sdkBody, "101.01", `"101.01"`, 1), signed(sdkSignature), sdkKey, nil},
		{"MalformedBody", `{"order":`, signed(sdkSignature), sdkKey, sbp.ErrMalformedNotification},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var h sbp.HeaderGetter
			if tt.header != nil {
				h = tt.header
			}
			err := sbp.VerifySignature([]byte(tt.body), h, tt.key)
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}

// Which amount text the bank signs for whole rubles is unconfirmed: both readings must pass.
func TestVerifySignatureAcceptsBothAmountReadings(t *testing.T) {
	t.Parallel()
	body := strings.Replace(ourBody, "1500.5", "1500.00", 1)
	const tail = "|MA0000000552|INV-2026-0042|SUCCESS|2026-11-20T12:30:05.123456+03:00"
	tests := []struct {
		name, signedAmount string
		wantErr            error
	}{
		{"MinimalDecimal", "1500", nil},
		{"TextAsReceived", "1500.00", nil},
		{"OtherText", "1500.0", sbp.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sig := sbp.Sign(tt.signedAmount+tail, ourKey)
			err := sbp.VerifySignature([]byte(body), signed(sig), ourKey)
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func BenchmarkVerifySignature(b *testing.B) {
	body, h := []byte(sdkBody), signed(sdkSignature)
	for b.Loop() {
		if err := sbp.VerifySignature(body, h, sdkKey); err != nil {
			b.Fatal(err)
		}
	}
}
