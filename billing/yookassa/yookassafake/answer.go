package yookassafake

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"
)

// Error codes and statuses of https://yookassa.ru/developers/using-api/response-handling/http-codes.
const (
	codeInvalidRequest      = "invalid_request"
	codeInvalidCredentials  = "invalid_credentials"
	codeNotFound            = "not_found"
	codeInternalServerError = "internal_server_error"
)

// keyLifetime is how long an Idempotence-Key is honoured (§c.2).
const keyLifetime = 24 * time.Hour

// answer is what a handler decided; notes are the notifications its change causes.
type answer struct {
	status int
	body   any
	notes  []notification
}

func ok(body any) answer { return answer{status: http.StatusOK, body: body} }

func (s *Shop) refuse(status int, code, description, parameter string) answer {
	return answer{status: status, body: errorBody{Type: "error", ID: s.id(), Code: code,
		Description: description, Parameter: parameter}}
}

func (s *Shop) invalid(parameter, description string) answer {
	return s.refuse(http.StatusBadRequest, codeInvalidRequest, description, parameter)
}

// post wraps a state-changing handler: auth, Idempotence-Key, content type, failure switch.
// Handlers run with s.mu held.
func (s *Shop) post(fn func(r *http.Request, body []byte) answer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		status, raw, notes := s.postLocked(r, body, fn)
		s.mu.Unlock()
		s.notify(notes)
		writeRaw(w, status, raw)
	}
}

func (s *Shop) postLocked(r *http.Request, body []byte, fn func(*http.Request, []byte) answer) (int, []byte, []notification) {
	if a, refused := s.gate(r); refused {
		return a.status, encode(a.body), nil
	}
	key := r.Header.Get("Idempotence-Key")
	if key == "" {
		// The docs require the header on every POST; the description is the fake's own.
		a := s.invalid("Idempotence-Key", "Idempotence key isn't specified")
		return a.status, encode(a.body), nil
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return http.StatusUnsupportedMediaType, nil, nil // 415 comes without a body (http-codes page)
	}
	route := r.Method + " " + r.URL.Path
	if k, seen := s.keys[key]; seen && s.now().Sub(k.at) < keyLifetime {
		if k.route != route || k.body != string(body) {
			a := s.invalid("Idempotence-Key", "Idempotence key duplicated") // reference §c.2
			return a.status, encode(a.body), nil
		}
		return k.status, k.answer, nil
	}
	if s.failLeft > 0 && !s.failDone {
		s.failLeft--
		return s.serverError()
	}
	a := fn(r, body)
	raw := encode(a.body)
	s.keys[key] = keyed{route: route, body: string(body), at: s.now(), status: a.status, answer: raw}
	if s.failLeft > 0 {
		s.failLeft--
		status, eraw, _ := s.serverError()
		return status, eraw, a.notes // carried out, answer lost
	}
	return a.status, raw, a.notes
}

func (s *Shop) serverError() (int, []byte, []notification) {
	a := s.refuse(s.failSts, codeInternalServerError, "Internal server error", "")
	return a.status, encode(a.body), nil
}

// get wraps a read-only handler.
func (s *Shop) get(fn func(r *http.Request) answer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		a, refused := s.gate(r)
		if !refused {
			a = fn(r)
		}
		s.mu.Unlock()
		writeRaw(w, a.status, encode(a.body))
	}
}

// gate checks HTTP Basic auth (shopId:secretKey).
func (s *Shop) gate(r *http.Request) (answer, bool) {
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(s.cfg.ShopID+":"+s.cfg.SecretKey))
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(want)) != 1 {
		// Description is the fake's own wording.
		return s.refuse(http.StatusUnauthorized, codeInvalidCredentials,
			"Login or password is incorrect", "Authorization"), true
	}
	return answer{}, false
}

func encode(body any) []byte {
	if body == nil {
		return nil
	}
	b, err := json.Marshal(body)
	if err != nil {
		panic(fmt.Sprintf("yookassafake: encode: %v", err))
	}
	return b
}

func writeRaw(w http.ResponseWriter, status int, raw []byte) {
	if raw != nil {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	}
	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

// id makes a YooKassa-looking id ("23d93cac-000f-5000-8000-126628f15141"); s.mu held.
func (s *Shop) id() string {
	s.seq++
	return fmt.Sprintf("%08x-000f-5000-8000-%012x", s.seq, s.seq*7919)
}
