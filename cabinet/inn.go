package cabinet

import "regexp"

// innWeights are the check-digit weights of the ИНН (Federal Tax Service order ММВ-7-6/435@):
// one check digit for an organisation's 10-digit number, two for a person's 12-digit number.
var innWeights = struct{ ten, eleven, twelve []int }{
	ten:    []int{2, 4, 10, 3, 5, 9, 4, 6, 8},
	eleven: []int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8},
	twelve: []int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8},
}

var digitsOnly = regexp.MustCompile(`^[0-9]+$`)

// ValidINN tells whether s is a 10- or 12-digit ИНН with right check digits.
func ValidINN(s string) bool {
	if !digitsOnly.MatchString(s) {
		return false
	}
	switch len(s) {
	case 10:
		return innCheck(s, innWeights.ten) == s[9]
	case 12:
		return innCheck(s, innWeights.eleven) == s[10] && innCheck(s, innWeights.twelve) == s[11]
	}
	return false
}

func innCheck(s string, weights []int) byte {
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	return byte('0' + sum%11%10)
}

// kppPattern is the КПП: tax office code (4 digits), reason (2 digits or capital Latin letters),
// serial number (3 digits).
var kppPattern = regexp.MustCompile(`^[0-9]{4}[0-9A-Z]{2}[0-9]{3}$`)

// ValidKPP tells whether s is a well-formed 9-character КПП.
func ValidKPP(s string) bool { return kppPattern.MatchString(s) }
