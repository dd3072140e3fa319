package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// apiRoutes is the JSON control API: everything the home page can do, for scripts and tests.
// The README lists every pattern (TestREADMEListsEveryControlRoute).
func (s *Sandbox) apiRoutes() []route {
	return []route{
		{"GET /sandbox/api/seed", s.apiSeed},
		{"GET /sandbox/api/clock", s.apiClock},
		{"POST /sandbox/api/clock/advance", s.apiAdvance},
		{"POST /sandbox/api/cron/run", s.apiCron},
		{"GET /sandbox/api/payments", s.apiPayments},
		{"POST /sandbox/api/payments/{id}/{action}", s.apiPaymentAction},
		{"GET /sandbox/api/mailbox", s.apiMailbox},
		{"GET /sandbox/api/mailbox/{id}", s.apiLetter},
		{"GET /sandbox/api/portal/items", s.apiItems},
		{"GET /sandbox/api/portal/{kind}/{id}", s.apiEntity},
		{"GET /sandbox/api/portal/notifications/{user}", s.apiNotifications},
		{"POST /sandbox/api/tab", s.apiTab},
	}
}

// route is one pattern of the sandbox's mux.
type route struct {
	pattern string
	handler http.HandlerFunc
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// apiError answers {"error": "..."}: 404 for what does not exist, 400 for a bad request, 409
// when the provider refuses the action, 500 otherwise.
func apiError(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	var ae *actionError
	if errors.As(err, &ae) {
		status = ae.status
	}
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

type actionError struct {
	status int
	msg    string
}

func (e *actionError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &actionError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &actionError{http.StatusNotFound, fmt.Sprintf(format, args...)}
}

func (s *Sandbox) apiSeed(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.seed)
}

// Clock is the sandbox time.
type Clock struct {
	Now       time.Time `json:"now"`
	AheadDays float64   `json:"ahead_days"` // how far ahead of the wall clock
}

func (s *Sandbox) clockNow() Clock {
	return Clock{Now: s.clock.Now(), AheadDays: s.clock.Ahead().Hours() / 24}
}

func (s *Sandbox) apiClock(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.clockNow())
}

// Advance moves the clock forward by days and hours, then runs the cron passes.
type Advance struct {
	Days  int `json:"days"`
	Hours int `json:"hours"`
}

func (s *Sandbox) apiAdvance(w http.ResponseWriter, r *http.Request) {
	var in Advance
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Days < 0 || in.Hours < 0 || in.Days+in.Hours == 0 {
		apiError(w, badRequest(`want {"days": N, "hours": N} with a positive total`))
		return
	}
	if err := s.AdvanceClock(r.Context(), time.Duration(in.Days)*24*time.Hour+time.Duration(in.Hours)*time.Hour); err != nil {
		apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, s.clockNow())
}

// AdvanceClock moves the sandbox clock forward by d and runs the cron passes at the new time.
func (s *Sandbox) AdvanceClock(ctx context.Context, d time.Duration) error {
	s.clock.Advance(d)
	return s.RunPasses(ctx)
}

// RunPasses runs every cron pass now (reminders, overdue, reconciliation, recurring billing…)
// and lets their side effects reach the portal, the providers and the mailbox.
func (s *Sandbox) RunPasses(ctx context.Context) error {
	if err := s.settle(ctx); err != nil {
		return err
	}
	if err := s.app.RunPasses(ctx); err != nil {
		return err
	}
	return s.settle(ctx)
}

func (s *Sandbox) apiCron(w http.ResponseWriter, r *http.Request) {
	if err := s.RunPasses(r.Context()); err != nil {
		apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, s.clockNow())
}

func (s *Sandbox) apiPayments(w http.ResponseWriter, r *http.Request) {
	open, err := s.OpenPayments(r.Context())
	if err != nil {
		apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, open)
}

func (s *Sandbox) apiPaymentAction(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Amount string `json:"amount"`
	}
	if r.ContentLength != 0 {
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			apiError(w, badRequest("body: %v", err))
			return
		}
	}
	p, err := s.Act(r.Context(), r.PathValue("id"), r.PathValue("action"), in.Amount)
	if err != nil {
		apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Sandbox) apiMailbox(w http.ResponseWriter, _ *http.Request) {
	letters, err := readMailbox(s.mailbox)
	if err != nil {
		apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, letters)
}

func (s *Sandbox) apiLetter(w http.ResponseWriter, r *http.Request) {
	l, err := readLetter(s.mailbox, r.PathValue("id"))
	if err != nil {
		apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

func (s *Sandbox) apiItems(w http.ResponseWriter, _ *http.Request) {
	items, err := s.SmartItems()
	if err != nil {
		apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, items)
}

func (s *Sandbox) apiEntity(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		apiError(w, badRequest("id %q is not a number", r.PathValue("id")))
		return
	}
	e, err := s.Entity(r.PathValue("kind"), id)
	if err != nil {
		apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Sandbox) apiNotifications(w http.ResponseWriter, r *http.Request) {
	user, err := strconv.Atoi(r.PathValue("user"))
	if err != nil {
		apiError(w, badRequest("user %q is not a number", r.PathValue("user")))
		return
	}
	writeJSON(w, http.StatusOK, s.Notifications(user))
}

// TabRequest opens the tab of a deal or lead as a user.
type TabRequest struct {
	Kind string `json:"kind"` // deal | lead
	ID   int    `json:"id"`
	User int    `json:"user"`
}

func (s *Sandbox) apiTab(w http.ResponseWriter, r *http.Request) {
	var in TabRequest
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		apiError(w, badRequest(`want {"kind": "deal"|"lead", "id": N, "user": N}`))
		return
	}
	tab, err := s.OpenTab(r.Context(), in)
	if err != nil {
		apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, tab)
}
