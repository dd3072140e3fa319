package b24fake

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

const pageSize = 50

type cond struct {
	op    string
	field string
	value any
}

var filterOps = []string{"!=%", "!%=", "=%", "%=", "!%", ">=", "<=", "!@", "!=", "@", "%", ">", "<", "=", "!"}

// parseFilter splits "op+field" keys; "logic" and nested groups are ignored.
func parseFilter(m map[string]any) []cond {
	var out []cond
	for key, v := range m {
		if strings.EqualFold(key, "logic") {
			continue
		}
		if _, nested := v.(map[string]any); nested && !isListMap(v) {
			continue
		}
		op := ""
		for _, o := range filterOps {
			if strings.HasPrefix(key, o) {
				op = o
				break
			}
		}
		out = append(out, cond{op: op, field: key[len(op):], value: v})
	}
	return out
}

func isListMap(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for k := range m {
		if _, ok := asInt(k); !ok {
			return false
		}
	}
	return true
}

// matches applies one operator to a stored value.
func matches(stored any, op string, want any) bool {
	if list, ok := stored.([]int); ok && op != "@" && op != "!@" {
		if op == "!" || op == "!=" {
			return !containsInt(list, want)
		}
		return containsInt(list, want)
	}
	switch op {
	case "", "=":
		if l := asList(want); len(l) > 1 || isListValue(want) {
			return inList(stored, l)
		}
		return compareEq(stored, want)
	case "!", "!=":
		if l := asList(want); len(l) > 1 || isListValue(want) {
			return !inList(stored, l)
		}
		return !compareEq(stored, want)
	case "@":
		return inList(stored, asList(want))
	case "!@":
		return !inList(stored, asList(want))
	case ">", ">=", "<", "<=":
		c, ok := compareAny(stored, want)
		if !ok {
			return false
		}
		return (op == ">" && c > 0) || (op == ">=" && c >= 0) || (op == "<" && c < 0) || (op == "<=" && c <= 0)
	case "%", "=%", "%=":
		return likeMatch(op, valueString(stored), asString(want))
	case "!%", "!=%", "!%=":
		return !likeMatch(op[1:], valueString(stored), asString(want))
	}
	return false
}

func isListValue(v any) bool {
	_, ok := v.([]any)
	return ok
}

func likeMatch(op, s, pattern string) bool {
	s, pattern = strings.ToLower(s), strings.ToLower(strings.Trim(pattern, "%"))
	switch op {
	case "=%":
		return strings.HasPrefix(s, pattern)
	case "%=":
		return strings.HasSuffix(s, pattern)
	}
	return strings.Contains(s, pattern)
}

func containsInt(list []int, want any) bool {
	n, ok := asInt(want)
	if !ok {
		return false
	}
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

func inList(stored any, list []any) bool {
	for _, w := range list {
		if compareEq(stored, w) {
			return true
		}
	}
	return false
}

func compareEq(stored, want any) bool {
	if stored == nil {
		s := asString(want)
		return s == "" || s == "0" || strings.EqualFold(s, "null") || strings.EqualFold(s, "false")
	}
	c, ok := compareAny(stored, want)
	return ok && c == 0
}

// compareAny compares a stored value with a request value, numerically when both are numbers,
// as instants or dates for temporal values, else as strings.
func compareAny(stored, want any) (int, bool) {
	switch x := stored.(type) {
	case nil:
		return 0, false
	case time.Time:
		t, ok := parseInstant(asString(want))
		if !ok {
			return 0, false
		}
		return x.Compare(t), true
	case int:
		if n, ok := asInt(want); ok {
			return cmpInt(x, n), true
		}
	case dateValue:
		w := asString(want)
		if len(w) > 10 {
			w = w[:10]
		}
		return strings.Compare(string(x), w), true
	}
	a, b := valueString(stored), asString(want)
	if strings.EqualFold(a, "Y") || strings.EqualFold(a, "N") {
		return boolCompare(a, b), true
	}
	da, ea := decimal.NewFromString(a)
	db, eb := decimal.NewFromString(b)
	if ea == nil && eb == nil {
		return da.Cmp(db), true
	}
	return strings.Compare(a, b), true
}

func boolCompare(a, b string) int {
	if asBool(a) == asBool(b) || strings.EqualFold(a, b) {
		return 0
	}
	return 1
}

// valueString renders a stored scalar for comparisons.
func valueString(v any) string {
	switch x := v.(type) {
	case decimal.Decimal:
		return x.String()
	case time.Time:
		return fmtDateTime(x)
	case dateValue:
		return string(x)
	case json.Number:
		return x.String()
	}
	return asString(v)
}

// paginate applies start (-1 = no count) and sets total/next; it returns the page bounds.
func paginate(c *call, n int) (int, int) {
	start, _ := c.ps.int("start")
	noCount := start < 0
	if noCount {
		start = 0
	}
	if start > n {
		start = n
	}
	end := min(start+pageSize, n)
	if !noCount {
		total := n
		c.total = &total
		if end < n {
			next := end
			c.next = &next
		}
	}
	return start, end
}

type orderKey struct {
	field string
	desc  bool
}

func parseOrder(v any) []orderKey {
	var out []orderKey
	for k, dir := range asMap(v) {
		if _, numeric := asInt(k); numeric {
			out = append(out, orderKey{field: asString(dir)})
			continue
		}
		out = append(out, orderKey{field: k, desc: strings.EqualFold(asString(dir), "DESC")})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].field < out[j].field })
	return out
}

// listMaps filters, orders and pages small rendered lists (statuses, requisites, pay systems...).
func listMaps(c *call, rows []map[string]any, idKey string) ([]map[string]any, error) {
	conds := parseFilter(c.ps.mapOf("filter"))
	out := []map[string]any{}
	for _, r := range rows {
		if mapMatches(r, conds) {
			out = append(out, r)
		}
	}
	order, _ := c.ps.lookup("order")
	sortMaps(out, parseOrder(order), idKey)
	lo, hi := paginate(c, len(out))
	page := out[lo:hi]
	return selectMaps(page, c.ps, idKey), nil
}

func mapMatches(r map[string]any, conds []cond) bool {
	for _, cd := range conds {
		if !matches(fieldValue(r, cd.field), cd.op, cd.value) {
			return false
		}
	}
	return true
}

func fieldValue(r map[string]any, field string) any {
	if v, ok := r[field]; ok {
		return v
	}
	for k, v := range r {
		if strings.EqualFold(k, field) {
			return v
		}
	}
	return nil
}

func sortMaps(rows []map[string]any, keys []orderKey, idKey string) {
	keys = append(keys, orderKey{field: idKey})
	sort.SliceStable(rows, func(i, j int) bool {
		for _, k := range keys {
			c, ok := compareAny(fieldValue(rows[i], k.field), valueString(fieldValue(rows[j], k.field)))
			if !ok || c == 0 {
				continue
			}
			return (c < 0) != k.desc
		}
		return false
	})
}

func selectMaps(rows []map[string]any, ps params, idKey string) []map[string]any {
	sel := selectList(ps)
	if sel == nil {
		return rows
	}
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		m := map[string]any{idKey: r[idKey]}
		for _, f := range sel {
			if v, ok := r[f]; ok {
				m[f] = v
			}
		}
		out[i] = m
	}
	return out
}

// selectList is the requested field list, nil when everything is wanted.
func selectList(ps params) []string {
	v, _ := ps.lookup("select")
	var out []string
	for _, x := range asList(v) {
		s := asString(x)
		if s == "*" {
			return nil
		}
		out = append(out, s)
	}
	return out
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
