package b24fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// params is a decoded request: JSON values (json.Number for numbers) or strings from forms,
// nested maps for bracketed keys, []any for lists.
type params map[string]any

const maxBody = 8 << 20

// readParams merges query-string parameters with a JSON or form-encoded body (body wins).
func readParams(r *http.Request) (params, error) {
	out := params(formTree(r.URL.Query()))
	setCmdOrder(out, formCmdOrder(r.URL.RawQuery))
	if r.Body == nil {
		return out, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return out, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" || (ct == "" && body[0] == '{') {
		m, err := decodeJSONObject(body)
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			out[k] = v
		}
		setCmdOrder(out, jsonCmdOrder(body))
		return out, nil
	}
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	for k, v := range formTree(vals) {
		out[k] = v
	}
	setCmdOrder(out, formCmdOrder(string(body)))
	return out, nil
}

func decodeJSONObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// formTree turns PHP-style keys (fields[TITLE], select[], rows[0][price]) into nested values.
func formTree(vals url.Values) map[string]any {
	root := map[string]any{}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		path := splitKey(k)
		if path[0] == "" {
			continue // PHP drops parameters without a name
		}
		for _, v := range vals[k] {
			setPath(root, path, v)
		}
	}
	for k, v := range root {
		root[k] = listify(v)
	}
	return root
}

func splitKey(k string) []string {
	i := strings.IndexByte(k, '[')
	if i <= 0 || !strings.HasSuffix(k, "]") {
		return []string{k}
	}
	parts := []string{k[:i]}
	for rest := k[i:]; len(rest) > 0 && rest[0] == '['; {
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			break
		}
		parts = append(parts, rest[1:j])
		rest = rest[j+1:]
	}
	return parts
}

func setPath(m map[string]any, path []string, v string) {
	for i, key := range path {
		if key == "" {
			key = strconv.Itoa(len(m))
		}
		if i == len(path)-1 {
			m[key] = v
			return
		}
		next, ok := m[key].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[key] = next
		}
		m = next
	}
}

// listify converts maps whose keys are exactly 0..n-1 into lists, recursively.
func listify(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	for k, x := range m {
		m[k] = listify(x)
	}
	if len(m) == 0 {
		return m
	}
	list := make([]any, len(m))
	for k, x := range m {
		i, err := strconv.Atoi(k)
		if err != nil || i < 0 || i >= len(m) || strconv.Itoa(i) != k {
			return m
		}
		list[i] = x
	}
	return list
}

// lookup finds a parameter by name, case-insensitively when the exact name is absent.
func (ps params) lookup(name string) (any, bool) {
	if v, ok := ps[name]; ok {
		return v, true
	}
	for k, v := range ps {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

func (ps params) str(name string) string {
	v, _ := ps.lookup(name)
	return asString(v)
}

func (ps params) int(name string) (int, bool) {
	v, ok := ps.lookup(name)
	if !ok {
		return 0, false
	}
	return asInt(v)
}

func (ps params) mapOf(name string) map[string]any {
	v, _ := ps.lookup(name)
	return asMap(v)
}

func asString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

func asInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return int(x), true
	case float64:
		return int(x), x == float64(int(x))
	}
	s := strings.TrimSpace(asString(v))
	if s == "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != float64(int(f)) {
		return 0, false
	}
	return int(f), true
}

func asBool(v any) bool {
	switch strings.ToLower(asString(v)) {
	case "y", "1", "true", "yes":
		return true
	}
	return false
}

func asMap(v any) map[string]any {
	switch x := v.(type) {
	case map[string]any:
		return x
	case []any:
		m := make(map[string]any, len(x))
		for i, e := range x {
			m[strconv.Itoa(i)] = e
		}
		return m
	}
	return nil
}

func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return naturalLess(keys[i], keys[j]) })
		out := make([]any, 0, len(x))
		for _, k := range keys {
			out = append(out, x[k])
		}
		return out
	case string:
		if x == "" {
			return nil
		}
	}
	return []any{v}
}

func naturalLess(a, b string) bool {
	ai, ea := strconv.Atoi(a)
	bi, eb := strconv.Atoi(b)
	if ea == nil && eb == nil {
		return ai < bi
	}
	return a < b
}

func setCmdOrder(ps params, order []string) {
	if len(order) > 0 {
		ps[cmdOrderKey] = order
	}
}

func sortNatural(keys []string) {
	sort.Slice(keys, func(i, j int) bool { return naturalLess(keys[i], keys[j]) })
}
