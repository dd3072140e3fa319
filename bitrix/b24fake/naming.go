package b24fake

import (
	"regexp"
	"strings"
	"unicode"
)

// camelToUpper turns crm.item names into legacy ones: stageId → STAGE_ID, parentId2 → PARENT_ID_2.
func camelToUpper(s string) string {
	var b strings.Builder
	prev := rune(0)
	for i, r := range s {
		switch {
		case i > 0 && unicode.IsUpper(r):
			b.WriteByte('_')
		case i > 0 && unicode.IsDigit(r) && !unicode.IsDigit(prev):
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
		prev = r
	}
	return b.String()
}

// upperToCamel turns legacy names into crm.item ones: ASSIGNED_BY_ID → assignedById.
func upperToCamel(s string) string {
	parts := strings.Split(strings.ToLower(s), "_")
	var b strings.Builder
	for i, part := range parts {
		if i == 0 || part == "" {
			b.WriteString(part)
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

var (
	ufTyped   = regexp.MustCompile(`^UF_CRM_(\d+)_([A-Z0-9_]+)$`)
	allDigits = regexp.MustCompile(`^[0-9]+$`)
	allAlpha  = regexp.MustCompile(`^[A-Z_]+$`)
)

// ufCamelName is the crm.item name of a user field (reference §8.1): regular conversion when the
// postfix is all digits or all letters, otherwise only the prefix changes.
func ufCamelName(upper string) string {
	rest := strings.TrimPrefix(upper, "UF_CRM_")
	if m := ufTyped.FindStringSubmatch(upper); m != nil {
		switch {
		case allDigits.MatchString(m[2]):
			return "ufCrm" + m[1] + "_" + m[2]
		case allAlpha.MatchString(m[2]):
			return "ufCrm" + m[1] + titleWords(m[2])
		}
		return "ufCrm_" + rest
	}
	if allAlpha.MatchString(rest) {
		return "ufCrm" + titleWords(rest)
	}
	return "ufCrm_" + rest
}

func titleWords(s string) string {
	var b strings.Builder
	for _, w := range strings.Split(strings.ToLower(s), "_") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}
