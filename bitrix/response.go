package bitrix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Response is the success envelope of a REST call.
type Response struct {
	Result json.RawMessage
	Total  int // list methods only; 0 when absent
	Next   int // offset of the next page; 0 on the last page
	Time   Time
}

// Time is the "time" block of an envelope.
type Time struct {
	Start            float64 `json:"start"`
	Finish           float64 `json:"finish"`
	Duration         float64 `json:"duration"`
	Processing       float64 `json:"processing"`
	DateStart        string  `json:"date_start"`
	DateFinish       string  `json:"date_finish"`
	OperatingResetAt int64   `json:"-"`
	Operating        float64 `json:"operating"`
}

// ResetAt is operating_reset_at as a time (zero when absent).
func (t Time) ResetAt() time.Time {
	if t.OperatingResetAt <= 0 {
		return time.Time{}
	}
	return time.Unix(t.OperatingResetAt, 0)
}

type envelope struct {
	Result           json.RawMessage `json:"result"`
	Error            json.RawMessage `json:"error"`
	ErrorDescription json.RawMessage `json:"error_description"`
	Total            json.RawMessage `json:"total"`
	Next             json.RawMessage `json:"next"`
	Time             json.RawMessage `json:"time"`
}

// decodeEnvelope turns a portal reply into a Response or an *APIError.
// A body that is not a JSON object yields ErrBadResponse.
func decodeEnvelope(method string, status int, body []byte) (*Response, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: %s HTTP %d: %v", ErrBadResponse, method, status, err)
	}
	code := flexString(env.Error)
	if status >= 400 || (code != "" && code != "0") || (env.Result == nil && env.Error != nil) {
		if code == "" {
			code = "HTTP_" + strconv.Itoa(status)
		}
		return nil, &APIError{Code: code, Description: flexString(env.ErrorDescription), HTTPStatus: status, Method: method,
			resetAt: decodeTime(env.Time).ResetAt()}
	}
	if env.Result == nil {
		return nil, fmt.Errorf("%w: %s HTTP %d: no result", ErrBadResponse, method, status)
	}
	return &Response{
		Result: env.Result,
		Total:  flexInt(env.Total),
		Next:   flexInt(env.Next),
		Time:   decodeTime(env.Time),
	}, nil
}

func decodeTime(raw json.RawMessage) Time {
	var t Time
	if len(raw) == 0 || json.Unmarshal(raw, &t) != nil {
		return Time{}
	}
	var extra struct {
		ResetAt json.RawMessage `json:"operating_reset_at"`
	}
	if json.Unmarshal(raw, &extra) == nil {
		t.OperatingResetAt = int64(flexFloat(extra.ResetAt))
	}
	return t
}

// flexString renders a JSON string, number or bool as text; null/absent as "".
func flexString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

func flexFloat(raw json.RawMessage) float64 {
	f, err := strconv.ParseFloat(flexString(raw), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

func flexInt(raw json.RawMessage) int {
	f := flexFloat(raw)
	if f > math.MaxInt32 || f < 0 {
		return 0
	}
	return int(f)
}
