package bitrix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// resultRef matches a batch back-reference such as $result[i1][item][id].
var resultRef = regexp.MustCompile(`^\$result\[[A-Za-z0-9_.\-]+\](\[[A-Za-z0-9_.\-]*\])*$`)

// Ref builds a batch back-reference to a field of an earlier command:
// Ref("i1", "item", "id") = "$result[i1][item][id]". Use it as a param value.
func Ref(command string, path ...any) string {
	var b strings.Builder
	b.WriteString("$result[" + command + "]")
	for _, p := range path {
		fmt.Fprintf(&b, "[%v]", p)
	}
	return b.String()
}

// encodeQuery renders params the way PHP's http_build_query does
// (fields[title]=…, rows[0][price]=…), keeping the key order of the JSON
// encoding (order[…] keys are significant). Values that are batch
// back-references are left unescaped so the portal can substitute them.
func encodeQuery(params any) (string, error) {
	obj, err := jsonObject(params)
	if err != nil {
		return "", err
	}
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	q := &queryWriter{dec: dec}
	if err := q.value(""); err != nil {
		return "", fmt.Errorf("bitrix: encode params: %w", err)
	}
	return strings.Join(q.parts, "&"), nil
}

type queryWriter struct {
	dec   *json.Decoder
	parts []string
}

// value writes the next JSON value under key ("" for the top object).
func (q *queryWriter) value(key string) error {
	tok, err := q.dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return q.object(key)
		}
		return q.array(key)
	case nil:
		return nil // http_build_query drops nulls
	case bool:
		q.add(key, map[bool]string{true: "1", false: "0"}[t])
	case json.Number:
		q.add(key, t.String())
	case string:
		if resultRef.MatchString(t) {
			q.parts = append(q.parts, key+"="+t)
			return nil
		}
		q.add(key, url.QueryEscape(t))
	}
	return nil
}

func (q *queryWriter) object(key string) error {
	for q.dec.More() {
		tok, err := q.dec.Token()
		if err != nil {
			return err
		}
		name, _ := tok.(string)
		if err := q.value(child(key, name)); err != nil {
			return err
		}
	}
	_, err := q.dec.Token() // '}'
	return err
}

func (q *queryWriter) array(key string) error {
	for i := 0; q.dec.More(); i++ {
		if err := q.value(child(key, strconv.Itoa(i))); err != nil {
			return err
		}
	}
	_, err := q.dec.Token() // ']'
	return err
}

func (q *queryWriter) add(key, escaped string) { q.parts = append(q.parts, key+"="+escaped) }

func child(key, name string) string {
	if key == "" {
		return url.QueryEscape(name)
	}
	return key + url.QueryEscape("["+name+"]")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedStrings(s []string) []string {
	sort.Strings(s)
	return s
}
