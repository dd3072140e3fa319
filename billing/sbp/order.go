package sbp

import (
	"fmt"
	"unicode/utf8"
)

// Field limits from the bank's API.
const (
	maxOrderLen          = 40
	maxPurposeLen        = 185
	maxAdditionalInfoLen = 140
	maxRefundDetailsLen  = 140
)

// checkOrderID enforces the bank's rule for `order` and `refundId`: 1..40 of A-Z a-z 0-9 - _ .
func checkOrderID(field, id string) error {
	if id == "" || len(id) > maxOrderLen {
		return fmt.Errorf("%w: %s must be 1..%d characters", ErrInvalidOrder, field, maxOrderLen)
	}
	for i := 0; i < len(id); i++ {
		if !orderByte(id[i]) {
			return fmt.Errorf("%w: %s %q may hold only A-Z, a-z, 0-9, '-', '_', '.'", ErrInvalidOrder, field, id)
		}
	}
	return nil
}

func orderByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_' || b == '.'
}

func checkTextLen(field, s string, max int) error {
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("%w: %s is %d characters, at most %d allowed", ErrInvalidRequest, field, n, max)
	}
	return nil
}
