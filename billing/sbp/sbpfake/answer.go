package sbpfake

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Error codes the bank documents, plus two of the fake's own (see the package comment).
const (
	codeSuccess                 = "SUCCESS"
	codeAccountNotRegistered    = "ERROR.ACCOUNT_IS_NOT_REGISTERED"
	codeInvalidRequest          = "ERROR.INVALID_REQUEST"
	codeExpirationDateNotValid  = "ERROR.QR_EXPIRATION_DATE_NOT_VALID"
	codeMerchantNotRegistered   = "ERROR.MERCHANT_NOT_REGISTERED"
	codeOrderAlreadyRegistered  = "ERROR.ORDER_NUMBER_ALREADY_REGISTERED"
	codeSBPMerchantIDMissing    = "ERROR.SBP_MERCHANT_ID_IS_MISSING"
	codeDynamicQRWithoutAmount  = "ERROR.DYNAMIC_QR_WITHOUT_AMOUNT"
	codeInvalidOrder            = "ERROR.INVALID_ORDER"
	codeNotFound                = "ERROR.NOT_FOUND"
	codeRefundInsufficientFunds = "ERROR.REFUND_INSUFFICIENT_FUNDS"
	codeRefundNotFound          = "ERROR.REFUND_NOT_FOUND"
	codeUnauthorized            = "ERROR.UNAUTHORIZED"      // the fake's own
	codeTooManyRequests         = "ERROR.TOO_MANY_REQUESTS" // the fake's own
	// codeSubscriptionsOff refuses binding calls when the bank has not enabled subscriptions for
	// the merchant; the documentation names no code for it, so this one is the fake's own.
	codeSubscriptionsOff = "ERROR.SUBSCRIPTIONS_NOT_ENABLED"
	// codeBindingInactive refuses a charge by a binding that is not SUBSCRIBED (undocumented; the fake's own).
	codeBindingInactive = "ERROR.SUBSCRIPTION_NOT_ACTIVE"
)

// answer is what a handler decided; handle writes it.
type answer struct {
	status int
	body   any
	header http.Header
	// business marks an ERROR.* refusal, which ErrorsAsHTTP200 turns into HTTP 200.
	business bool
}

type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func ok(body any) answer { return answer{status: http.StatusOK, body: body} }

func refuse(code, message string) answer {
	return answer{status: statusFor(code), body: errorBody{Code: code, Message: message}, business: true}
}

func statusFor(code string) int {
	switch code {
	case codeNotFound, codeRefundNotFound:
		return http.StatusNotFound
	case codeOrderAlreadyRegistered, codeRefundInsufficientFunds, codeBindingInactive, codeSubscriptionsOff:
		return http.StatusUnprocessableEntity
	}
	return http.StatusBadRequest
}

// handle wraps a handler with the switches, auth and the answer delay.
func (b *Bank) handle(fn func(*http.Request) answer, auth bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		g := b.admit()
		switch {
		case g.early != nil:
			b.write(w, r, *g.early, g.sw)
		case auth && !b.authorised(r):
			b.write(w, r, answer{status: http.StatusUnauthorized,
				body: errorBody{Code: codeUnauthorized, Message: "Неверный ключ авторизации"}}, g.sw)
		default:
			a := fn(r)
			if g.failAfter != 0 {
				a = failure(g.failAfter)
			}
			b.write(w, r, a, g.sw)
		}
	}
}

// gate is what the switches decided for one request.
type gate struct {
	sw        switches // snapshot for this request
	early     *answer  // set when the request must not be carried out
	failAfter int      // HTTP status to answer after carrying the request out; 0 for none
}

// admit counts the request and applies the rate-limit and failure switches.
func (b *Bank) admit() gate {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.requests++
	g := gate{sw: b.switches}
	s := &b.switches
	if s.rateLimitLeft > 0 {
		s.rateLimitLeft--
		g.early = &answer{status: http.StatusTooManyRequests,
			body:   errorBody{Code: codeTooManyRequests, Message: "Слишком много запросов"},
			header: http.Header{"Retry-After": {strconv.Itoa(int(s.retryAfter / time.Second))}}}
		return g
	}
	if s.failLeft > 0 {
		s.failLeft--
		if !s.failProcessed {
			a := failure(s.failStatus)
			g.early = &a
			return g
		}
		g.failAfter = s.failStatus
	}
	return g
}

func failure(status int) answer {
	return answer{status: status, body: errorBody{Code: "ERROR", Message: http.StatusText(status)}}
}

func (b *Bank) authorised(r *http.Request) bool {
	want := "Bearer " + b.cfg.SecretKey
	got := r.Header.Get("Authorization")
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (b *Bank) write(w http.ResponseWriter, r *http.Request, a answer, sw switches) {
	if sw.delay > 0 {
		t := time.NewTimer(sw.delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	for k, vs := range a.header {
		w.Header()[k] = vs
	}
	status := a.status
	if a.business && sw.errorsAsHTTP200 {
		status = http.StatusOK
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if a.body != nil {
		_ = json.NewEncoder(w).Encode(a.body)
	}
}
