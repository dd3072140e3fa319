package bitrix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// MaxBatchCommands is the portal's limit of commands in one batch.
const MaxBatchCommands = 50

// Command is one sub-request of a batch.
type Command struct {
	Name   string // command id, referenced by Ref(Name, …)
	Method string
	Params any // encoded as a query string; Ref values stay unescaped
}

// Batch is an ordered list of commands executed in one HTTP request.
type Batch struct {
	// Halt stops the portal at the first failing command (use it for chains:
	// an unresolved $result reference is substituted literally).
	Halt     bool
	commands []Command
}

// Add appends a command.
func (b *Batch) Add(name, method string, params any) *Batch {
	b.commands = append(b.commands, Command{Name: name, Method: method, Params: params})
	return b
}

// Len is the number of commands.
func (b *Batch) Len() int { return len(b.commands) }

// BatchResult holds what each command returned, keyed by command name.
type BatchResult struct {
	Results map[string]json.RawMessage
	Errors  map[string]*APIError
	Totals  map[string]int
	Nexts   map[string]int
	Time    Time
}

// Decode unmarshals the result of one command.
func (r *BatchResult) Decode(name string, out any) error {
	raw, ok := r.Results[name]
	if !ok {
		if ae, failed := r.Errors[name]; failed {
			return ae
		}
		return fmt.Errorf("%w: batch command %q has no result", ErrBadResponse, name)
	}
	return json.Unmarshal(raw, out)
}

func (r *BatchResult) merge(o *BatchResult) {
	for k, v := range o.Results {
		r.Results[k] = v
	}
	for k, v := range o.Errors {
		r.Errors[k] = v
	}
	for k, v := range o.Totals {
		r.Totals[k] = v
	}
	for k, v := range o.Nexts {
		r.Nexts[k] = v
	}
	r.Time = o.Time
}

func newBatchResult() *BatchResult {
	return &BatchResult{
		Results: map[string]json.RawMessage{},
		Errors:  map[string]*APIError{},
		Totals:  map[string]int{},
		Nexts:   map[string]int{},
	}
}

// Batch runs up to MaxBatchCommands commands in one request. Failed
// commands come back as a *BatchError together with the results of the
// others. A batch is not repeated after a network error unless marked
// Idempotent (QUERY_LIMIT_EXCEEDED is still retried: nothing ran).
func (c *Client) Batch(ctx context.Context, b *Batch, opts ...CallOption) (*BatchResult, error) {
	body, err := b.encode()
	if err != nil {
		return nil, err
	}
	var o callOptions
	for _, f := range opts {
		f(&o)
	}
	resp, err := c.do(ctx, "batch", body, o)
	if err != nil {
		return nil, err
	}
	res, err := decodeBatch(resp, b.methods())
	if err != nil {
		return nil, err
	}
	if len(res.Errors) > 0 {
		return res, &BatchError{Errors: res.Errors}
	}
	return res, nil
}

// BatchChunked runs independent commands in batches of MaxBatchCommands
// (never chain references across them) and merges the results; failures of
// single commands come back together as one *BatchError.
func (c *Client) BatchChunked(ctx context.Context, commands []Command, opts ...CallOption) (*BatchResult, error) {
	all := newBatchResult()
	for start := 0; start < len(commands); start += MaxBatchCommands {
		b := &Batch{commands: commands[start:min(start+MaxBatchCommands, len(commands))]}
		res, err := c.Batch(ctx, b, opts...)
		var be *BatchError
		if err != nil && !errors.As(err, &be) {
			return all, err
		}
		all.merge(res)
	}
	if len(all.Errors) > 0 {
		return all, &BatchError{Errors: all.Errors}
	}
	return all, nil
}

func (b *Batch) methods() map[string]string {
	m := make(map[string]string, len(b.commands))
	for _, c := range b.commands {
		m[c.Name] = c.Method
	}
	return m
}

// encode renders {"halt":0|1,"cmd":{name:"method?query",…}} in command order.
func (b *Batch) encode() ([]byte, error) {
	if len(b.commands) == 0 {
		return nil, fmt.Errorf("%w: empty batch", ErrTooManyCommands)
	}
	if len(b.commands) > MaxBatchCommands {
		return nil, fmt.Errorf("%w: %d > %d", ErrTooManyCommands, len(b.commands), MaxBatchCommands)
	}
	var buf bytes.Buffer
	buf.WriteString(`{"halt":` + map[bool]string{true: "1", false: "0"}[b.Halt] + `,"cmd":{`)
	seen := make(map[string]bool, len(b.commands))
	for i, cmd := range b.commands {
		if cmd.Name == "" || seen[cmd.Name] || cmd.Method == "" {
			return nil, fmt.Errorf("bitrix: batch command %d: empty or duplicate name %q or empty method", i, cmd.Name)
		}
		seen[cmd.Name] = true
		q, err := encodeQuery(cmd.Params)
		if err != nil {
			return nil, fmt.Errorf("bitrix: batch command %q: %w", cmd.Name, err)
		}
		line := cmd.Method
		if q != "" {
			line += "?" + q
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		writeJSONString(&buf, cmd.Name)
		buf.WriteByte(':')
		writeJSONString(&buf, line)
	}
	buf.WriteString("}}")
	return buf.Bytes(), nil
}

func writeJSONString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s)
	buf.Write(b)
}

type batchEnvelope struct {
	Result json.RawMessage `json:"result"`
	Error  json.RawMessage `json:"result_error"`
	Total  json.RawMessage `json:"result_total"`
	Next   json.RawMessage `json:"result_next"`
}

func decodeBatch(resp *Response, methods map[string]string) (*BatchResult, error) {
	var env batchEnvelope
	if err := json.Unmarshal(resp.Result, &env); err != nil {
		return nil, fmt.Errorf("%w: batch: %v", ErrBadResponse, err)
	}
	res := newBatchResult()
	res.Time = resp.Time
	var err error
	if res.Results, err = section(env.Result); err != nil {
		return nil, err
	}
	errs, err := section(env.Error)
	if err != nil {
		return nil, err
	}
	for name, raw := range errs {
		res.Errors[name] = subError(methods[name], raw)
	}
	for _, s := range []struct {
		raw json.RawMessage
		dst map[string]int
	}{{env.Total, res.Totals}, {env.Next, res.Nexts}} {
		m, err := section(s.raw)
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			s.dst[k] = flexInt(v)
		}
	}
	return res, nil
}

// section reads a batch section that PHP sends as an object, or as an
// array when empty or when command names are 0..n-1.
func section(raw json.RawMessage) (map[string]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	out := map[string]json.RawMessage{}
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return out, nil
	}
	if raw[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, fmt.Errorf("%w: batch section: %v", ErrBadResponse, err)
		}
		for i, v := range list {
			out[strconv.Itoa(i)] = v
		}
		return out, nil
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("%w: batch section: %v", ErrBadResponse, err)
	}
	return out, nil
}

func subError(method string, raw json.RawMessage) *APIError {
	var e struct {
		Error       json.RawMessage `json:"error"`
		Description json.RawMessage `json:"error_description"`
	}
	ae := &APIError{Method: method}
	if json.Unmarshal(raw, &e) != nil {
		ae.Code, ae.Description = "ERROR_UNEXPECTED_ANSWER", string(raw)
		return ae
	}
	ae.Code, ae.Description = flexString(e.Error), flexString(e.Description)
	if ae.Code == "" {
		ae.Code = "ERROR_UNEXPECTED_ANSWER"
	}
	return ae
}
