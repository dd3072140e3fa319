package sbp_test

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/billing/sbp"
)

const samplePayload = "https://qr.nspk.ru/AD100004BAL7227F9BNP6KNE007J9B3K?type=02&bank=100000000007&sum=150050&cur=RUB&crc=B631"

func TestQRPNGRendersRequestedSize(t *testing.T) {
	t.Parallel()
	for _, size := range []int{64, 256, 512} {
		out, err := sbp.QRPNG(samplePayload, size)
		require.NoError(t, err)
		img, err := png.Decode(bytes.NewReader(out))
		require.NoError(t, err)
		require.Equal(t, size, img.Bounds().Dx())
		require.Equal(t, size, img.Bounds().Dy())
	}
}

func TestQRPNGDiffersByPayload(t *testing.T) {
	t.Parallel()
	a, err := sbp.QRPNG(samplePayload, 256)
	require.NoError(t, err)
	b, err := sbp.QRPNG(samplePayload+"0", 256)
	require.NoError(t, err)
	require.NotEqual(t, a, b)
}

func TestQRPNGRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload string
		size    int
	}{
		{"EmptyPayload", "", 256},
		{"TooSmall", samplePayload, 10},
		{"TooLarge", samplePayload, 100000},
		{"PayloadTooLongForAQR", string(bytes.Repeat([]byte("x"), 5000)), 256},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := sbp.QRPNG(tt.payload, tt.size)
			require.Error(t, err)
		})
	}
}

func BenchmarkQRPNG(b *testing.B) {
	for b.Loop() {
		if _, err := sbp.QRPNG(samplePayload, 256); err != nil {
			b.Fatal(err)
		}
	}
}
