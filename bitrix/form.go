package bitrix

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Form limits: anything beyond them is malformed, not a reason to allocate.
const (
	maxFormKeys  = 1000
	maxFormDepth = 6
)

// FormTree is a form with PHP-style nested keys (data[FIELDS][ID]=1)
// unfolded: each node holds a value, children, or both.
type FormTree struct {
	Value    string
	Children map[string]*FormTree
}

// parseFormTree unfolds bracketed keys. Repeated keys keep the first value.
func parseFormTree(form url.Values) (*FormTree, error) {
	if len(form) > maxFormKeys {
		return nil, malformed("form", "too many keys")
	}
	root := &FormTree{}
	for _, key := range sortedFormKeys(form) {
		path, err := splitKey(key)
		if err != nil {
			return nil, err
		}
		node := root
		for _, p := range path[:len(path)-1] {
			node = node.child(p)
		}
		node.set(path[len(path)-1], form[key])
	}
	return root, nil
}

func sortedFormKeys(form url.Values) []string {
	keys := make([]string, 0, len(form))
	for k, v := range form {
		if len(v) > 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// splitKey turns "auth[member_id]" into ["auth", "member_id"].
func splitKey(key string) ([]string, error) {
	open := strings.IndexByte(key, '[')
	if open < 0 {
		return []string{key}, nil
	}
	if open == 0 {
		return nil, malformed(key, "key starts with a bracket")
	}
	path := []string{key[:open]}
	rest := key[open:]
	for rest != "" {
		if rest[0] != '[' {
			return nil, malformed(key, "text after a bracket")
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return nil, malformed(key, "unclosed bracket")
		}
		if strings.IndexByte(rest[1:end], '[') >= 0 {
			return nil, malformed(key, "bracket inside a bracket")
		}
		path = append(path, rest[1:end])
		rest = rest[end+1:]
		if len(path) > maxFormDepth {
			return nil, malformed(key, "nested too deep")
		}
	}
	return path, nil
}

// set stores values under name; "name[]" (empty last segment) appends them
// as 0, 1, … like PHP does.
func (t *FormTree) set(name string, values []string) {
	if name != "" {
		t.child(name).Value = values[0]
		return
	}
	base := len(t.Children)
	for i, v := range values {
		t.child(strconv.Itoa(base + i)).Value = v
	}
}

func (t *FormTree) child(name string) *FormTree {
	if t.Children == nil {
		t.Children = make(map[string]*FormTree)
	}
	c, ok := t.Children[name]
	if !ok {
		c = &FormTree{}
		t.Children[name] = c
	}
	return c
}

// Get returns the value at path ("" when absent).
func (t *FormTree) Get(path ...string) string {
	n := t.Node(path...)
	if n == nil {
		return ""
	}
	return n.Value
}

// Node returns the subtree at path, nil when absent.
func (t *FormTree) Node(path ...string) *FormTree {
	n := t
	for _, p := range path {
		if n == nil || n.Children == nil {
			return nil
		}
		n = n.Children[p]
	}
	return n
}

// List returns the values of children named 0, 1, 2 … in index order
// (document_id[0..2], multiple properties).
func (t *FormTree) List() []string {
	if t == nil {
		return nil
	}
	var out []string
	for i := 0; ; i++ {
		c, ok := t.Children[strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, c.Value)
	}
}

// Flat returns leaf values keyed by their names under t (one level).
func (t *FormTree) Flat() map[string]string {
	out := make(map[string]string)
	if t == nil {
		return out
	}
	for k, c := range t.Children {
		out[k] = c.Value
	}
	return out
}
