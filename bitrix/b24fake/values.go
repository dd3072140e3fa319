package b24fake

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// dateValue is a calendar date, YYYY-MM-DD.
type dateValue string

func parseInstant(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02", "02.01.2006 15:04:05", "02.01.2006"} {
		loc := moscow
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func parseDate(s string) (dateValue, bool) {
	s = strings.TrimSpace(s)
	if len(s) >= 10 {
		if _, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return dateValue(s[:10]), true
		}
	}
	if t, err := time.Parse("02.01.2006", s); err == nil {
		return dateValue(t.Format("2006-01-02")), true
	}
	return "", false
}

func invalidValue(field string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "CRM_FIELD_ERROR_VALUE_NOT_VALID",
		Description: "Значение поля \"" + field + "\" некорректно"}
}

func isEmpty(v any) bool {
	if v == nil {
		return true
	}
	if s, ok := v.(string); ok {
		return s == ""
	}
	return false
}

// normalize converts a request value into the stored form for a field.
func normalize(f fieldDef, v any) (any, error) {
	if f.multiple && f.typ != fMulti {
		return normalizeList(f, v)
	}
	if isEmpty(v) {
		return nil, nil
	}
	switch f.typ {
	case fInt:
		n, ok := asInt(v)
		if !ok {
			return nil, invalidValue(f.name)
		}
		return n, nil
	case fMoney:
		d, err := decimal.NewFromString(strings.TrimSpace(asString(v)))
		if err != nil {
			return nil, invalidValue(f.name)
		}
		return d, nil
	case fChar:
		return yn(asBool(v)), nil
	case fDate:
		d, ok := parseDate(asString(v))
		if !ok {
			return nil, invalidValue(f.name)
		}
		return d, nil
	case fDateTime:
		t, ok := parseInstant(asString(v))
		if !ok {
			return nil, invalidValue(f.name)
		}
		return t, nil
	}
	return asString(v), nil
}

func normalizeList(f fieldDef, v any) (any, error) {
	if _, isScalar := v.(map[string]any); !isScalar && !isListValue(v) && !isEmpty(v) && f.typ != fIntList {
		return nil, &APIError{Status: http.StatusBadRequest, Code: "100", Description: "Expected iterable value for multiple field"}
	}
	one := f
	one.multiple = false
	if f.typ == fIntList {
		one.typ = fInt
		var out []int
		for _, x := range asList(v) {
			n, err := normalize(one, x)
			if err != nil {
				return nil, err
			}
			if n != nil {
				out = append(out, n.(int))
			}
		}
		return out, nil
	}
	var out []any
	for _, x := range asList(v) {
		n, err := normalize(one, x)
		if err != nil {
			return nil, err
		}
		if n != nil {
			out = append(out, n)
		}
	}
	return out, nil
}

// renderItem renders a stored value the way crm.item.* returns it.
func renderItem(v any) any {
	switch x := v.(type) {
	case decimal.Decimal:
		return json.Number(x.String())
	case dateValue:
		return string(x) + "T00:00:00+03:00"
	case time.Time:
		return fmtDateTime(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = renderItem(e)
		}
		return out
	case []int:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	}
	return v
}

// renderLegacy renders a stored value the way legacy crm.<entity>.* methods return it: strings.
func renderLegacy(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case decimal.Decimal:
		return x.StringFixed(2)
	case dateValue:
		return string(x) + "T00:00:00+03:00"
	case time.Time:
		return fmtDateTime(x)
	case []int:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = itoa(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = renderLegacy(e)
		}
		return out
	case []map[string]any:
		return x
	case string:
		return x
	}
	return asString(v)
}
