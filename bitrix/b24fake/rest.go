package b24fake

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// call is one method execution, direct or inside a batch.
type call struct {
	p      *Portal
	method string
	ps     params
	userID int
	total  *int
	next   *int
	events []delivery
}

type handler func(c *call) (any, error)

func (p *Portal) serveREST(w http.ResponseWriter, r *http.Request, path string) {
	method := normalizeMethod(path[strings.LastIndexByte(path, '/')+1:])
	if loc, moved := p.redirectFor(r); moved {
		p.admitRequest(method)
		w.Header().Set("Location", loc)
		w.WriteHeader(http.StatusFound)
		return
	}
	latency, limitErr := p.admitRequest(method)
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return
		}
	}
	if limitErr != nil {
		p.fail(w, limitErr)
		return
	}
	ps, err := readParams(r)
	if err != nil {
		p.fail(w, &APIError{Status: http.StatusBadRequest, Code: "INVALID_REQUEST", Description: "Malformed request"})
		return
	}
	userID, authErr := p.authenticate(ps.str("auth"))
	if authErr != nil {
		p.fail(w, authErr)
		return
	}
	start := p.now()
	c := &call{p: p, method: method, ps: ps, userID: userID}
	result, apiErr := p.execute(c)
	if apiErr != nil {
		p.fail(w, apiErr)
		return
	}
	writeJSON(w, http.StatusOK, envelope{Result: result, Total: c.total, Next: c.next,
		Time: newTimeInfo(start, p.now(), p.operatingResetAt(method))})
}

func (p *Portal) fail(w http.ResponseWriter, e *APIError) {
	p.count503(e.Status)
	if e.Code == "" && e.Status >= 500 {
		writeHTMLError(w, e.Status)
		return
	}
	writeAPIError(w, e)
}

// redirectFor answers requests on the old host after MoveDomain.
func (p *Portal) redirectFor(r *http.Request) (string, bool) {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	if !p.moved {
		return "", false
	}
	u, err := url.Parse(p.baseURL)
	if err != nil || strings.EqualFold(u.Host, r.Host) {
		return "", false
	}
	return p.baseURL + r.URL.RequestURI(), true
}

// MoveDomain renames the portal: requests that arrive on any other host get 302 to newBaseURL,
// and payloads name the new endpoint.
func (p *Portal) MoveDomain(newBaseURL string) {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	p.baseURL = strings.TrimRight(newBaseURL, "/")
	p.moved = true
}

// execute runs one method: injected faults, operating-time limit, scope, then the handler.
func (p *Portal) execute(c *call) (any, *APIError) {
	p.countCall(c.method)
	if e := p.takeFault(c.method); e != nil {
		return nil, e
	}
	if _, blocked := p.operationBlocked(c.method); blocked {
		return nil, apiErr("OPERATION_TIME_LIMIT", "")
	}
	if e := p.chargeOperating(c.method); e != nil {
		return nil, e
	}
	if c.method == "batch" {
		return p.runBatch(c)
	}
	h, ok := methods[c.method]
	if !ok {
		return nil, apiErr("ERROR_METHOD_NOT_FOUND", "")
	}
	if !p.granted(c.method) {
		return nil, apiErr("insufficient_scope", "")
	}
	if e := p.accessRefused(c.method); e != nil {
		return nil, e
	}
	p.mu.Lock()
	result, err := h(c)
	p.mu.Unlock()
	if err != nil {
		var ae *APIError
		if errors.As(err, &ae) {
			return nil, ae
		}
		return nil, &APIError{Status: http.StatusInternalServerError, Code: "INTERNAL_SERVER_ERROR", Description: err.Error()}
	}
	p.enqueue(c.userID, c.events)
	return result, nil
}
