package b24fake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

const maxBatch = 50

// cmdOrderKey holds the order of batch commands as sent (maps lose it).
const cmdOrderKey = "\x00cmdOrder"

// section is one ordered part of a batch result; it encodes like a PHP array.
type section struct {
	keys []string
	vals map[string]any
}

func newSection() *section { return &section{vals: map[string]any{}} }

func (s *section) set(k string, v any) {
	if _, ok := s.vals[k]; !ok {
		s.keys = append(s.keys, k)
	}
	s.vals[k] = v
}

func (s *section) MarshalJSON() ([]byte, error) {
	if len(s.keys) == 0 {
		return []byte("[]"), nil
	}
	sequential := true
	for i, k := range s.keys {
		if k != strconv.Itoa(i) {
			sequential = false
			break
		}
	}
	var b bytes.Buffer
	if sequential {
		list := make([]any, len(s.keys))
		for i, k := range s.keys {
			list[i] = s.vals[k]
		}
		return json.Marshal(list)
	}
	b.WriteByte('{')
	for i, k := range s.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(s.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

type batchCommand struct{ key, text string }

func batchCommands(ps params) []batchCommand {
	raw, _ := ps.lookup("cmd")
	m := asMap(raw)
	order, _ := ps[cmdOrderKey].([]string)
	var cmds []batchCommand
	seen := map[string]bool{}
	for _, k := range order {
		if v, ok := m[k]; ok && !seen[k] {
			seen[k] = true
			cmds = append(cmds, batchCommand{k, asString(v)})
		}
	}
	rest := make([]string, 0, len(m))
	for k := range m {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sortNatural(rest)
	for _, k := range rest {
		cmds = append(cmds, batchCommand{k, asString(m[k])})
	}
	return cmds
}

type batchState struct {
	results, errors, totals, nexts, times *section
	generic                               map[string]any // results as decoded JSON, for $result references
}

func (p *Portal) runBatch(c *call) (any, *APIError) {
	cmds := batchCommands(c.ps)
	if len(cmds) > maxBatch {
		return nil, &APIError{Status: http.StatusBadRequest, Code: "ERROR_BATCH_LENGTH_EXCEEDED", Description: "Max batch length exceeded"}
	}
	halt := asBool(c.ps.str("halt"))
	st := &batchState{results: newSection(), errors: newSection(), totals: newSection(), nexts: newSection(),
		times: newSection(), generic: map[string]any{}}
	for _, cmd := range cmds {
		if e := p.runBatchCommand(c, cmd, st); e != nil {
			st.errors.set(cmd.key, errorBody(e))
			if halt {
				break
			}
		}
	}
	return map[string]any{"result": st.results, "result_error": st.errors, "result_total": st.totals,
		"result_next": st.nexts, "result_time": st.times}, nil
}

func (p *Portal) runBatchCommand(c *call, cmd batchCommand, st *batchState) *APIError {
	name, query, _ := strings.Cut(cmd.text, "?")
	method := normalizeMethod(name)
	if method == "batch" {
		return &APIError{Status: http.StatusMethodNotAllowed, Code: "ERROR_BATCH_METHOD_NOT_ALLOWED", Description: "Method is not allowed for batch usage"}
	}
	ps := params(resolveRefs(formTree(lenientQuery(query)), st).(map[string]any))
	start := p.now()
	sub := &call{p: p, method: method, ps: ps, userID: c.userID}
	res, e := p.execute(sub)
	if e != nil {
		return e
	}
	st.results.set(cmd.key, res)
	st.generic[cmd.key] = genericJSON(res)
	if sub.total != nil {
		st.totals.set(cmd.key, *sub.total)
	}
	if sub.next != nil {
		st.nexts.set(cmd.key, *sub.next)
	}
	st.times.set(cmd.key, newTimeInfo(start, p.now(), p.operatingResetAt(method)))
	return nil
}

// lenientQuery parses a query like PHP's parse_str: bad escapes are kept literally.
func lenientQuery(q string) url.Values {
	vals := url.Values{}
	for _, pair := range strings.Split(q, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		vals.Add(unescape(k), unescape(v))
	}
	return vals
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func genericJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	_ = dec.Decode(&out)
	return out
}

var refPattern = regexp.MustCompile(`\$(result|result_total|result_next)\[([^\]]*)\]((?:\[[^\]]*\])*)`)

// resolveRefs replaces $result[cmd][path] references in every string value. Like the portal, a
// reference that cannot be followed to its end resolves to the deepest part that exists (the
// whole command result, or even the whole section), never to its own literal text.
func resolveRefs(v any, st *batchState) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = resolveRefs(e, st)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = resolveRefs(e, st)
		}
		return x
	case string:
		return resolveString(x, st)
	}
	return v
}

func resolveString(s string, st *batchState) any {
	if loc := refPattern.FindStringSubmatchIndex(s); loc != nil && loc[0] == 0 && loc[1] == len(s) {
		switch val := lookupRef(refPattern.FindStringSubmatch(s), st).(type) {
		case map[string]any, []any:
			return val
		default:
			return asString(val)
		}
	}
	return refPattern.ReplaceAllStringFunc(s, func(ref string) string {
		return asString(lookupRef(refPattern.FindStringSubmatch(ref), st))
	})
}

// lookupRef follows $section[cmd][k1][k2]... as far as it exists.
func lookupRef(m []string, st *batchState) any {
	var cur any
	switch m[1] {
	case "result":
		cur = st.generic
	case "result_total":
		cur = st.totals.vals
	case "result_next":
		cur = st.nexts.vals
	}
	for _, key := range splitKey("x[" + m[2] + "]" + m[3])[1:] {
		next, ok := child(cur, key)
		if !ok {
			break
		}
		cur = next
	}
	return cur
}

func child(node any, key string) (any, bool) {
	switch n := node.(type) {
	case map[string]any:
		v, ok := n[key]
		return v, ok && v != nil
	case []any:
		i, err := strconv.Atoi(key)
		if err != nil || i < 0 || i >= len(n) {
			return nil, false
		}
		return n[i], n[i] != nil
	}
	return nil, false
}

// commandOrder reads the order of the top-level "cmd" keys from a JSON body or form data.
func jsonCmdOrder(body []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil
		}
		if k, _ := t.(string); k == "cmd" {
			return objectKeys(dec)
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return nil
		}
	}
	return nil
}

func objectKeys(dec *json.Decoder) []string {
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		k, _ := t.(string)
		keys = append(keys, k)
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return keys
		}
	}
	return keys
}

func formCmdOrder(raw string) []string {
	var keys []string
	for _, pair := range strings.Split(raw, "&") {
		k, _, _ := strings.Cut(pair, "=")
		k = unescape(k)
		if strings.HasPrefix(k, "cmd[") {
			if end := strings.IndexByte(k, ']'); end > 4 {
				keys = append(keys, k[4:end])
			}
		}
	}
	return keys
}
