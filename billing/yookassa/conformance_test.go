package yookassa

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/billing/yookassa/yookassafake"
)

// conformanceRow is one request the app sends, recorded from the reference or the official
// docs page it names, and the answer the fake must reproduce and the client must parse.
// In answers, "*" stands for any non-empty value (generated ids and instants); an answer lists
// the fields that matter, the fake may send more.
type conformanceRow struct {
	name    string
	source  string
	prepare func(t *testing.T, shop *yookassafake.Shop, send func(method, path, key, body string) (int, map[string]any)) string
	method  string
	path    string
	key     string
	body    string
	status  int
	answer  string
	parse   func(t *testing.T, raw []byte)
}

const (
	// §c.3 of the reference: first payment saving the card.
	firstPaymentBody = `{
  "amount": { "value": "990.00", "currency": "RUB" },
  "capture": true,
  "payment_method_data": { "type": "bank_card" },
  "save_payment_method": true,
  "confirmation": { "type": "redirect", "return_url": "https://app.example.ru/billing/return" },
  "description": "Подписка Business, ноябрь 2026",
  "metadata": { "subscription_id": "sub_8841", "period": "2026-11" }
}`
	// §c.4: a merchant-initiated charge with the saved method (the id is set by prepare).
	savedChargeBody = `{
  "amount": { "value": "990.00", "currency": "RUB" },
  "capture": true,
  "payment_method_id": "%s",
  "description": "Подписка Business, декабрь 2026",
  "metadata": { "subscription_id": "sub_8841", "period": "2026-12" }
}`
)

func conformanceRows() []conformanceRow {
	return []conformanceRow{{
		name:   "FirstPaymentSavingCardIsPendingWithRedirect",
		source: "reference §c.3; yookassa.ru/developers/using-api/response-handling/response-format (example body)",
		method: "POST", path: "/v3/payments", key: "7d3c1d4e-5f2a-4b8e-9a51-2f0c6a1e9b10", body: firstPaymentBody,
		status: 200,
		answer: `{"id":"*","status":"pending","paid":false,"amount":{"value":"990.00","currency":"RUB"},
			"confirmation":{"type":"redirect","confirmation_url":"*"},"created_at":"*",
			"description":"Подписка Business, ноябрь 2026","metadata":{"subscription_id":"sub_8841","period":"2026-11"},
			"recipient":{"account_id":"*","gateway_id":"*"},"refundable":false,"test":true}`,
		parse: func(t *testing.T, raw []byte) {
			var p Payment
			require.NoError(t, decodeAnswer("create payment", true, 200, raw, &p))
			require.Equal(t, StatusPending, p.Status)
			require.NotEmpty(t, p.Confirmation.ConfirmationURL)
			require.Empty(t, p.SavedMethodID())
		},
	}, {
		name:   "SavedMethodChargeSucceedsWithoutConfirmation",
		source: "reference §c.4 (pay-with-saved) and §c.3 (payment_method.saved)",
		prepare: func(t *testing.T, shop *yookassafake.Shop, send func(string, string, string, string) (int, map[string]any)) string {
			status, p := send("POST", "/v3/payments", "cit-1", firstPaymentBody)
			require.Equal(t, 200, status)
			method, err := shop.Pay(p["id"].(string))
			require.NoError(t, err)
			return method
		},
		method: "POST", path: "/v3/payments", key: "sub_8841:2026-12:attempt-1", body: savedChargeBody,
		status: 200,
		answer: `{"id":"*","status":"succeeded","paid":true,"amount":{"value":"990.00","currency":"RUB"},
			"income_amount":{"value":"*","currency":"RUB"},"captured_at":"*","created_at":"*",
			"payment_method":{"type":"bank_card","id":"*","saved":true,"card":{"last4":"*","expiry_month":"*","expiry_year":"*","card_type":"*"}},
			"refundable":true}`,
		parse: func(t *testing.T, raw []byte) {
			var p Payment
			require.NoError(t, decodeAnswer("create payment", true, 200, raw, &p))
			require.Equal(t, StatusSucceeded, p.Status)
			require.NotEmpty(t, p.SavedMethodID())
		},
	}, {
		name:   "DeclinedChargeIsCanceledWithReason",
		source: "reference §c.5 (cancellation_details party/reason)",
		prepare: func(t *testing.T, shop *yookassafake.Shop, send func(string, string, string, string) (int, map[string]any)) string {
			status, p := send("POST", "/v3/payments", "cit-2", firstPaymentBody)
			require.Equal(t, 200, status)
			method, err := shop.Pay(p["id"].(string))
			require.NoError(t, err)
			shop.SetMethodDecline(method, "card_expired")
			return method
		},
		method: "POST", path: "/v3/payments", key: "sub_8841:2026-12:attempt-2", body: savedChargeBody,
		status: 200,
		answer: `{"id":"*","status":"canceled","paid":false,"cancellation_details":{"party":"payment_network","reason":"card_expired"}}`,
		parse: func(t *testing.T, raw []byte) {
			var p Payment
			require.NoError(t, decodeAnswer("create payment", true, 200, raw, &p))
			require.True(t, HardDecline(p.CancellationDetails.Reason))
		},
	}, {
		name:   "KeyReusedWithAnotherBodyIsRefused",
		source: "reference §c.2 (Idempotence key duplicated, parameter Idempotence-Key)",
		prepare: func(t *testing.T, _ *yookassafake.Shop, send func(string, string, string, string) (int, map[string]any)) string {
			status, _ := send("POST", "/v3/payments", "same-key", firstPaymentBody)
			require.Equal(t, 200, status)
			return ""
		},
		method: "POST", path: "/v3/payments", key: "same-key",
		body:   strings.Replace(firstPaymentBody, "990.00", "991.00", 1),
		status: 400,
		answer: `{"type":"error","id":"*","code":"invalid_request","description":"Idempotence key duplicated","parameter":"Idempotence-Key"}`,
		parse: func(t *testing.T, raw []byte) {
			err := decodeAnswer("create payment", true, 400, raw, &Payment{})
			require.ErrorIs(t, err, ErrKeyReused)
			require.ErrorIs(t, err, ErrInvalidRequest)
			require.NotErrorIs(t, err, ErrUnknownOutcome)
		},
	}, {
		name:   "UnknownPaymentIsNotFound",
		source: "yookassa.ru/developers/using-api/response-handling/http-codes (404 not_found)",
		method: "GET", path: "/v3/payments/2c3f9e4a-000f-5000-9000-1b2c3d4e5f60",
		status: 404,
		answer: `{"type":"error","id":"*","code":"not_found","description":"*"}`,
		parse: func(t *testing.T, raw []byte) {
			require.ErrorIs(t, decodeAnswer("get payment", false, 404, raw, &Payment{}), ErrNotFound)
		},
	}, {
		name:   "RefundOfSucceededPayment",
		source: "reference §c.5 (POST /v3/refunds with its own key)",
		prepare: func(t *testing.T, shop *yookassafake.Shop, send func(string, string, string, string) (int, map[string]any)) string {
			status, p := send("POST", "/v3/payments", "cit-3", firstPaymentBody)
			require.Equal(t, 200, status)
			_, err := shop.Pay(p["id"].(string))
			require.NoError(t, err)
			return p["id"].(string)
		},
		method: "POST", path: "/v3/refunds", key: "refund-1",
		body:   `{"payment_id": "%s", "amount": {"value": "100.00", "currency": "RUB"}}`,
		status: 200,
		answer: `{"id":"*","payment_id":"*","status":"succeeded","amount":{"value":"100.00","currency":"RUB"},"created_at":"*"}`,
		parse: func(t *testing.T, raw []byte) {
			var r Refund
			require.NoError(t, decodeAnswer("create refund", true, 200, raw, &r))
			require.Equal(t, RefundSucceeded, r.Status)
		},
	}, {
		name:    "RefundAboveWhatIsLeftOfThePaymentIsRefused",
		source:  "reference §c.5 (POST /v3/refunds); yookassa.ru/developers/using-api/response-handling/http-codes (400 invalid_request)",
		prepare: paidAndRefunded("900.00"),
		method:  "POST", path: "/v3/refunds", key: "refund-2",
		body:   `{"payment_id": "%s", "amount": {"value": "100.00", "currency": "RUB"}}`,
		status: 400,
		answer: `{"type":"error","id":"*","code":"invalid_request","description":"*","parameter":"amount.value"}`,
		parse: func(t *testing.T, raw []byte) {
			err := decodeAnswer("create refund", true, 400, raw, &Refund{})
			require.ErrorIs(t, err, ErrInvalidRequest)
			require.NotErrorIs(t, err, ErrUnknownOutcome)
		},
	}, {
		name:   "RefundOfAPaymentNotSucceededIsRefused",
		source: "reference §c.5 (only a succeeded payment is refunded); response-handling/http-codes (400 invalid_request)",
		prepare: func(t *testing.T, _ *yookassafake.Shop, send func(string, string, string, string) (int, map[string]any)) string {
			status, p := send("POST", "/v3/payments", "cit-4", firstPaymentBody) // pending: not paid yet
			require.Equal(t, 200, status)
			return p["id"].(string)
		},
		method: "POST", path: "/v3/refunds", key: "refund-3",
		body:   `{"payment_id": "%s", "amount": {"value": "100.00", "currency": "RUB"}}`,
		status: 400,
		answer: `{"type":"error","id":"*","code":"invalid_request","description":"*","parameter":"payment_id"}`,
		parse: func(t *testing.T, raw []byte) {
			require.ErrorIs(t, decodeAnswer("create refund", true, 400, raw, &Refund{}), ErrInvalidRequest)
		},
	}, {
		name:   "RefundCanceledByYooKassaSaysWhy",
		source: "refund object: status canceled with cancellation_details {party, reason} (reference §c.5 statuses)",
		prepare: func(t *testing.T, shop *yookassafake.Shop, send func(string, string, string, string) (int, map[string]any)) string {
			id := paidAndRefunded("")(t, shop, send)
			shop.CancelRefunds("insufficient_funds")
			return id
		},
		method: "POST", path: "/v3/refunds", key: "refund-4",
		body:   `{"payment_id": "%s", "amount": {"value": "100.00", "currency": "RUB"}}`,
		status: 200,
		answer: `{"id":"*","status":"canceled","cancellation_details":{"party":"yoo_kassa","reason":"insufficient_funds"}}`,
		parse: func(t *testing.T, raw []byte) {
			var r Refund
			require.NoError(t, decodeAnswer("create refund", true, 200, raw, &r))
			require.Equal(t, RefundCanceled, r.Status)
			require.Equal(t, "insufficient_funds", r.CancellationDetails.Reason)
		},
	}, {
		name:   "RefundIsReadBack",
		source: "GET /v3/refunds/{id} (reference §c.6: re-read the object and trust only that)",
		prepare: func(t *testing.T, shop *yookassafake.Shop, send func(string, string, string, string) (int, map[string]any)) string {
			id := paidAndRefunded("")(t, shop, send)
			status, r := send("POST", "/v3/refunds", "refund-5", `{"payment_id": "`+id+`", "amount": {"value": "10.00", "currency": "RUB"}}`)
			require.Equal(t, 200, status)
			return r["id"].(string)
		},
		method: "GET", path: "/v3/refunds/%s",
		status: 200,
		answer: `{"id":"*","payment_id":"*","status":"succeeded","amount":{"value":"10.00","currency":"RUB"}}`,
		parse: func(t *testing.T, raw []byte) {
			var r Refund
			require.NoError(t, decodeAnswer("get refund", false, 200, raw, &r))
			require.Equal(t, "10.00", r.Amount.Value)
		},
	}}
}

// paidAndRefunded prepares a paid 990.00 payment with amount already refunded ("" for none).
func paidAndRefunded(amount string) func(*testing.T, *yookassafake.Shop, func(string, string, string, string) (int, map[string]any)) string {
	return func(t *testing.T, shop *yookassafake.Shop, send func(string, string, string, string) (int, map[string]any)) string {
		status, p := send("POST", "/v3/payments", "cit-paid", firstPaymentBody)
		require.Equal(t, 200, status)
		id := p["id"].(string)
		_, err := shop.Pay(id)
		require.NoError(t, err)
		if amount != "" {
			status, _ = send("POST", "/v3/refunds", "refund-first", `{"payment_id": "`+id+`", "amount": {"value": "`+amount+`", "currency": "RUB"}}`)
			require.Equal(t, 200, status)
		}
		return id
	}
}

func TestConformance(t *testing.T) {
	t.Parallel()
	for _, row := range conformanceRows() {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			shop := yookassafake.New(yookassafake.Config{ShopID: "100500", SecretKey: "test_secret"})
			srv := httptest.NewServer(shop)
			t.Cleanup(srv.Close)
			send := func(method, path, key, body string) (int, map[string]any) {
				status, raw := rawSend(t, srv.URL, method, path, key, body)
				var m map[string]any
				require.NoError(t, json.Unmarshal(raw, &m), string(raw))
				return status, m
			}
			body, path := row.body, row.path
			if row.prepare != nil {
				arg := row.prepare(t, shop, send)
				body, path = strings.Replace(body, "%s", arg, 1), strings.Replace(path, "%s", arg, 1)
			}
			status, raw := rawSend(t, srv.URL, row.method, path, row.key, body)
			require.Equal(t, row.status, status, string(raw))
			var want, got any
			require.NoError(t, json.Unmarshal([]byte(row.answer), &want))
			require.NoError(t, json.Unmarshal(raw, &got))
			requireMatch(t, "$", want, got)
			row.parse(t, raw)
		})
	}
}

func rawSend(t *testing.T, base, method, path, key, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("100500:test_secret")))
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(IdempotenceKeyHeader, key)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, raw
}

// requireMatch checks that got has every field of want with the same value ("*": any non-empty).
func requireMatch(t *testing.T, path string, want, got any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, isMap := got.(map[string]any)
		require.True(t, isMap, "%s: want an object, got %v", path, got)
		for k, wv := range w {
			gv, present := g[k]
			require.True(t, present, "%s.%s missing", path, k)
			requireMatch(t, path+"."+k, wv, gv)
		}
	case string:
		if w == "*" {
			require.NotEmpty(t, got, path)
			return
		}
		require.Equal(t, w, got, path)
	default:
		require.Equal(t, want, got, path)
	}
}
