package sbp

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// QR image size limits in pixels.
const (
	minQRSize = 64
	maxQRSize = 2048
)

// QRPNG renders payload (the NSPK link) as a PNG QR code of size×size pixels,
// with medium error correction.
func QRPNG(payload string, size int) ([]byte, error) {
	if payload == "" {
		return nil, fmt.Errorf("%w: empty QR payload", ErrInvalidRequest)
	}
	if size < minQRSize || size > maxQRSize {
		return nil, fmt.Errorf("%w: QR size %d outside %d..%d", ErrInvalidRequest, size, minQRSize, maxQRSize)
	}
	png, err := qrcode.Encode(payload, qrcode.Medium, size)
	if err != nil {
		return nil, fmt.Errorf("sbp: render QR: %w", err)
	}
	return png, nil
}
