package app

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"b24pay/schedules"
)

// Form bodies come from people typing: «120 000,00», an empty field, a half-typed date. decodeForm
// reads such a body leniently and, where a value still makes no sense, answers 422 with a Russian
// message next to the field — never the decoder's own English text.

// numberKeys hold decimals; dateKeys hold YYYY-MM-DD dates.
var (
	numberKeys = map[string]bool{"total": true, "amount": true, "percent": true, "annual_rate": true}
	dateKeys   = map[string]bool{"first": true, "due": true}
)

// decodeForm decodes the JSON body into v. Empty strings count as not given, numbers may carry
// space groups and a decimal comma. It answers the request itself and returns false on failure.
func decodeForm(c *gin.Context, limit int64, v any) bool {
	var raw any
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		jsonError(c, http.StatusBadRequest, "bad_json", "Форма не отправилась целиком — обновите страницу и повторите")
		return false
	}
	var problems []fieldError
	raw = cleanForm(raw, "", 0, &problems)
	if len(problems) > 0 {
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, gin.H{"error": "validation", "message": "Исправьте отмеченные поля", "fields": problems})
		return false
	}
	body, _ := json.Marshal(raw)
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(v); err != nil {
		jsonError(c, http.StatusUnprocessableEntity, "validation", "Проверьте заполнение формы: числа — цифрами, даты — в календаре")
		return false
	}
	return true
}

// cleanForm walks a decoded body: drops empty strings, normalises numbers and checks numbers,
// dates and the term, collecting a field error for each value that cannot be read.
func cleanForm(v any, field string, row int, problems *[]fieldError) any {
	switch x := v.(type) {
	case map[string]any:
		for k, item := range x {
			name := formField(field, k)
			if s, ok := item.(string); ok && strings.TrimSpace(s) == "" {
				delete(x, k)
				continue
			}
			x[k] = cleanValue(k, name, row, item, problems)
		}
	case []any:
		for i, item := range x {
			x[i] = cleanForm(item, field, i+1, problems)
		}
	}
	return v
}

func cleanValue(key, name string, row int, v any, problems *[]fieldError) any {
	s, isString := v.(string)
	add := func(msg string) {
		*problems = append(*problems, fieldError{Field: name, Row: row, Code: "bad_value", Message: msg, Reason: msg})
	}
	switch {
	case !isString:
		return cleanForm(v, name, row, problems)
	case numberKeys[key]:
		n := normaliseNumber(s)
		if _, err := decimal.NewFromString(n); err != nil {
			add("введите число, например 120 000,00")
		}
		return n
	case dateKeys[key]:
		if _, err := schedules.ParseDate(strings.TrimSpace(s)); err != nil {
			add("выберите дату в календаре")
		}
	case key == "term":
		if _, err := schedules.ParseTerm(s); err != nil {
			add("укажите срок числом и единицей: 12 мес., 2 года, 90 дн.")
		}
	}
	return v
}

// formField names a body key the way validation errors name fields: rows[].amount is
// "rows.amount", down.percent and down.amount are "down", annual_rate is "rate".
func formField(parent, key string) string {
	switch {
	case parent == "down":
		return "down"
	case key == "annual_rate":
		return "rate"
	case parent != "":
		return parent + "." + key
	}
	return key
}

// normaliseNumber turns «120 000,00» (spaces of any kind between groups, comma decimals) into
// "120000.00".
func normaliseNumber(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\t' {
			return -1
		}
		if r == ',' {
			return '.'
		}
		return r
	}, s)
	return s
}
