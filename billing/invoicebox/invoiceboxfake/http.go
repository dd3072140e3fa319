package invoiceboxfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

type apiErr struct {
	status  int
	code    string
	message string
	fields  []fieldErr
}

type fieldErr struct {
	Name    string `json:"name"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *apiErr) Error() string { return fmt.Sprintf("%d %s %s", e.status, e.code, e.message) }

func unprocessable(code, message string, fields ...fieldErr) *apiErr {
	return &apiErr{status: http.StatusUnprocessableEntity, code: code, message: message, fields: fields}
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeAPIError(w, &apiErr{status: status, code: code, message: message})
}

func writeAPIError(w http.ResponseWriter, e *apiErr) {
	body := map[string]any{"message": e.message}
	if e.code != "" {
		body["code"] = e.code
	}
	if len(e.fields) > 0 {
		body["fields"] = e.fields
	}
	writeJSON(w, e.status, map[string]any{"error": body})
}

func writeData(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "extendedData": []any{}})
}

func writeList(w http.ResponseWriter, data any, n int) {
	writeJSON(w, http.StatusOK, map[string]any{
		"data":         data,
		"metaData":     map[string]int{"totalCount": n, "pageSize": 30, "page": 1},
		"extendedData": []any{},
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":{"message":"encode"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", fmt.Sprintf("fake-%d", time.Now().UnixNano()))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func retryAfterSeconds(d time.Duration) string {
	secs := int64((d + time.Second - 1) / time.Second)
	if secs < 0 {
		secs = 0
	}
	return fmt.Sprint(secs)
}

// recorder holds a routed answer so that a delay or failure can replace it.
type recorder struct {
	header http.Header
	status int
	body   []byte
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(s int)   { r.status = s }
func (r *recorder) Write(b []byte) (int, error) {
	r.body = append(r.body, b...)
	return len(b), nil
}

func (r *recorder) flush(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}
