package cabinet

import (
	"regexp"

	"b24pay/billing/invoicebox"
)

// ValidINN tells whether s is a 10- or 12-digit ИНН with right check digits (the same check the
// Invoicebox route applies to a payer).
func ValidINN(s string) bool { return invoicebox.ValidateINN(s) == nil }

// kppPattern is the КПП: tax office code (4 digits), reason (2 digits or capital Latin letters),
// serial number (3 digits).
var kppPattern = regexp.MustCompile(`^[0-9]{4}[0-9A-Z]{2}[0-9]{3}$`)

// ValidKPP tells whether s is a well-formed 9-character КПП.
func ValidKPP(s string) bool { return kppPattern.MatchString(s) }
