package app

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// FuzzInvoiceboxWebhook: whatever arrives, the endpoint answers 200 with a documented JSON answer,
// never panics, and nothing but a correctly signed, matching notification changes a payment.
func FuzzInvoiceboxWebhook(f *testing.F) {
	e := newE2E(f, store.SQLite, withInvoicebox(f))
	token, s := e.payable()
	var pay payResponse
	require.Equal(f, http.StatusOK, e.api(token, http.MethodPost, "/instalments/"+itoa(s.Instalments[0].ID)+"/pay",
		map[string]string{"provider": "invoicebox"}, &pay))
	f.Add([]byte(`{"id":"x","merchantOrderId":"`+pay.Payment.ID+`","status":"completed","amount":9999.00}`), "", true)
	f.Add([]byte(`{"id":"x","merchantOrderId":"pay_1","status":"completed","amount":100.00}`), "deadbeef", false)
	f.Add([]byte(`{}`), "", true)
	f.Add([]byte(`{"status":"completed","amount":1e999999999}`), "", true)
	f.Add([]byte("\x00\xff"), "zz", false)
	f.Fuzz(func(t *testing.T, body []byte, signature string, sign bool) {
		if sign {
			signature = e.ib.Sign(body)
		}
		req := httptest.NewRequest(http.MethodPost, "/webhooks/invoicebox", bytes.NewReader(body))
		req.Header.Set("X-Signature", signature)
		w := httptest.NewRecorder()
		e.app.Router().ServeHTTP(w, req)
		require.Equal(t, http.StatusOK, w.Code)
		var answer struct{ Status, Code string }
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &answer))
		require.Contains(t, []string{"success", "error"}, answer.Status)
		var p struct{ Status string }
		require.NoError(t, e.db.Table("payments").Where("id = ?", pay.Payment.ID).Take(&p).Error)
		require.Equal(t, "pending", p.Status, "only the provider's signed, matching word pays")
	})
}
