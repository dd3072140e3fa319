package bitrix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// ID is a Bitrix24 object id; the portal sends ids as numbers or strings.
type ID int64

// UnmarshalJSON accepts 12, "12" and null/"" (zero).
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*id = 0
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	return id.parse(s)
}

func (id *ID) parse(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		*id = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("bitrix: id %q: %w", s, err)
	}
	*id = ID(n)
	return nil
}

// ParseID parses a decimal id as sent in form fields.
func ParseID(s string) (ID, error) {
	var id ID
	err := id.parse(s)
	return id, err
}

func (id ID) String() string { return strconv.FormatInt(int64(id), 10) }
