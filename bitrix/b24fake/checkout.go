package b24fake

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// CheckoutAnswer is what the buyer sees after the portal asked a CHECKOUT_DATA handler for a payment.
type CheckoutAnswer struct {
	Status     int      // HTTP status of the handler's answer
	PaymentURL string   // PAYMENT_URL
	PaymentID  string   // PAYMENT_ID (the payment in the handler's system)
	Errors     []string // PAYMENT_ERRORS, or the portal's default text
}

// defaultCheckoutError is shown when the handler returned nothing usable (sale-pay-system-handler-add.md, Checkout).
const defaultCheckoutError = "Error registering order in payment system"

// Checkout does what the portal does when a buyer presses «Pay» on a payment whose pay system uses a
// CHECKOUT_DATA handler (docs: api-reference/pay-system/sale-pay-system-handler-add.md#checkout): it
// POSTs BX_SYSTEM_PARAMS and the handler's FIELDS (values from the pay system's SETTINGS) form-encoded
// to ACTION_URI, and reads the body only of an HTTP 200 answer.
func (p *Portal) Checkout(paymentID int) (CheckoutAnswer, error) {
	target, form, err := p.checkoutRequest(paymentID)
	if err != nil {
		return CheckoutAnswer{}, err
	}
	resp, err := p.events.client.Post(target, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		return CheckoutAnswer{}, err
	}
	defer resp.Body.Close()
	ans := CheckoutAnswer{Status: resp.StatusCode}
	var body struct {
		URL    string   `json:"PAYMENT_URL"`
		ID     any      `json:"PAYMENT_ID"`
		Errors []string `json:"PAYMENT_ERRORS"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode == http.StatusOK && json.Unmarshal(raw, &body) == nil {
		ans.PaymentURL, ans.Errors = body.URL, body.Errors
		if body.ID != nil {
			ans.PaymentID = fmt.Sprint(body.ID)
		}
	}
	if ans.PaymentURL == "" && len(ans.Errors) == 0 {
		ans.Errors = []string{defaultCheckoutError}
	}
	return ans, nil
}

func (p *Portal) checkoutRequest(paymentID int) (string, url.Values, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.state
	pm := s.payments[paymentID]
	if pm == nil {
		return "", nil, errors.New("b24fake: no such payment")
	}
	ps := s.paySystem(pm.PaySystemID)
	if ps == nil {
		return "", nil, errors.New("b24fake: the payment has no pay system")
	}
	var checkout map[string]any
	if h := s.handlerByCode(ps.handler); h != nil {
		checkout = asMap(asMap(h.settings)["CHECKOUT_DATA"])
	}
	target := asString(checkout["ACTION_URI"])
	if target == "" {
		return "", nil, errors.New("b24fake: the pay system's handler has no CHECKOUT_DATA")
	}
	form := url.Values{}
	form.Set("BX_SYSTEM_PARAMS[RETURN_URL]", p.base()+"/pub/payment/"+itoa(pm.ID)+"/")
	form.Set("BX_SYSTEM_PARAMS[PAYSYSTEM_ID]", itoa(ps.id))
	form.Set("BX_SYSTEM_PARAMS[PAYMENT_ID]", itoa(pm.ID))
	form.Set("BX_SYSTEM_PARAMS[SUM]", pm.Sum.StringFixed(2))
	form.Set("BX_SYSTEM_PARAMS[CURRENCY]", pm.Currency)
	form.Set("BX_SYSTEM_PARAMS[EXTERNAL_PAYMENT_ID]", pm.PSInvoiceID)
	for name, f := range asMap(checkout["FIELDS"]) {
		code := asString(asMap(f)["CODE"])
		form.Set(name, asString(asMap(asMap(ps.settings)[code])["VALUE"]))
	}
	return target, form, nil
}
