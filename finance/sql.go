package finance

import (
	"fmt"
	"strings"
)

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

func join(cols []string) string { return strings.Join(cols, ", ") }
