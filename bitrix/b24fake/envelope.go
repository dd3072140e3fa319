package b24fake

import (
	"encoding/json"
	"math"
	"net/http"
	"time"
)

// moscow is the portal server's offset used in every date_start/date_finish and datetime field.
var moscow = time.FixedZone("MSK", 3*3600)

const operatingWindow = 10 * time.Minute

type timeInfo struct {
	Start            float64  `json:"start"`
	Finish           float64  `json:"finish"`
	Duration         float64  `json:"duration"`
	Processing       float64  `json:"processing"`
	DateStart        string   `json:"date_start"`
	DateFinish       string   `json:"date_finish"`
	OperatingResetAt *int64   `json:"operating_reset_at,omitempty"`
	Operating        *float64 `json:"operating,omitempty"`
}

func unixFloat(t time.Time) float64 {
	return math.Round(float64(t.UnixNano())/1e3) / 1e6
}

func newTimeInfo(start, finish time.Time, resetAt time.Time) timeInfo {
	d := finish.Sub(start).Seconds()
	ti := timeInfo{
		Start: unixFloat(start), Finish: unixFloat(finish), Duration: d, Processing: d,
		DateStart: start.In(moscow).Format(time.RFC3339), DateFinish: finish.In(moscow).Format(time.RFC3339),
	}
	if !resetAt.IsZero() {
		r := resetAt.Unix()
		op := 0.0
		ti.OperatingResetAt, ti.Operating = &r, &op
	}
	return ti
}

type envelope struct {
	Result any      `json:"result"`
	Total  *int     `json:"total,omitempty"`
	Next   *int     `json:"next,omitempty"`
	Time   timeInfo `json:"time"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeAPIError(w http.ResponseWriter, e *APIError) {
	body := errorBody(e)
	if e.Argument != "" {
		body["argument"] = e.Argument
	}
	writeJSON(w, e.Status, body)
}

func writeHTMLError(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte("<html><body><h1>" + http.StatusText(status) + "</h1></body></html>"))
}

// errorBody is the JSON object placed into batch result_error.
func errorBody(e *APIError) map[string]any {
	var code any = e.Code
	if e.Code == "0" {
		code = 0 // the documented numeric "error": 0
	}
	return map[string]any{"error": code, "error_description": e.Description}
}
