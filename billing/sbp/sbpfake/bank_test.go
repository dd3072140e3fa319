package sbpfake_test

import (
	"context"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing/sbp/sbpfake"
)

const (
	merchant = "MA0000000552"
	key      = "fake-secret"
	// The bank's Java SDK notification key and expected signature (SbpUtilTest / TestData.java).
	sdkKey       = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJNQTAwMDAwMDA1NTIiLCJqdGkiOiIwZTRhODI2ZC0zMTk3LTQ5YWUtYjRlYS0zZDllOGRkODIyOGEifQ.Q-AVaDBzvfkz6I8ZCVgvGIWpWTUgotRDmTcs4ysR0Qc"
	sdkSignature = "1eca6a084ff8a5b4f5740e0eeab2a72d8ff981bce5b5dea75a53bf44944a8c8d"
)

type testBundle struct {
	bank     *sbpfake.Bank
	server   *httptest.Server
	callback *recorder
	mu       sync.Mutex
	now      time.Time
}

func (tb *testBundle) clock() time.Time { tb.mu.Lock(); defer tb.mu.Unlock(); return tb.now }

func (tb *testBundle) advance(d time.Duration) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.now = tb.now.Add(d)
}

func setup(t *testing.T, edit ...func(*sbpfake.Config)) *testBundle {
	t.Helper()
	tb := &testBundle{now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	tb.callback = newRecorder(t)
	cfg := sbpfake.Config{SBPMerchantID: merchant, SecretKey: key, NotificationURL: tb.callback.server.URL,
		RetryDelays: []time.Duration{time.Millisecond, time.Millisecond}, Now: tb.clock}
	for _, e := range edit {
		e(&cfg)
	}
	tb.bank = sbpfake.New(cfg)
	tb.server = httptest.NewServer(tb.bank)
	t.Cleanup(func() { tb.bank.Close(); tb.server.Close() })
	return tb
}

// do sends a request and decodes the JSON answer into a map.
func (tb *testBundle) do(t *testing.T, method, path, body string, auth bool) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, tb.server.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if auth {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	if len(raw) > 0 {
		require.NoError(t, json.Unmarshal(raw, &out), string(raw))
	}
	return resp.StatusCode, resp.Header, out
}

func (tb *testBundle) register(t *testing.T, order, amount string) map[string]any {
	t.Helper()
	status, _, out := tb.do(t, http.MethodPost, "/api/sbp/v1/qr/register", registerBody(order, amount, ""), false)
	require.Equal(t, http.StatusOK, status, out)
	require.Equal(t, "SUCCESS", out["code"])
	return out
}

func registerBody(order, amount, expires string) string {
	b := `{"qrType":"QRDynamic","sbpMerchantId":"` + merchant + `","order":"` + order + `","amount":` + amount + `,"currency":"RUB"`
	if expires != "" {
		b += `,"qrExpirationDate":"` + expires + `"`
	}
	return b + "}"
}

type recorder struct {
	server *httptest.Server
	mu     sync.Mutex
	calls  []recorded
	fail   int
}

type recorded struct {
	body      string
	signature string
}

func newRecorder(t *testing.T) *recorder {
	r := &recorder{}
	r.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.calls = append(r.calls, recorded{body: string(body), signature: req.Header.Get(sbpfake.SignatureHeader)})
		if r.fail > 0 {
			r.fail--
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(r.server.Close)
	return r
}

func (r *recorder) got() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.calls...)
}

func (r *recorder) failNext(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = n
}

func TestRegisterAnswersWithValidNSPKLink(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	out := tb.register(t, "ord-1", "1500.50")
	qrID := out["qrId"].(string)
	require.Len(t, qrID, 32)
	payload := out["payload"].(string)
	require.True(t, strings.HasPrefix(payload, "https://qr.nspk.ru/"+qrID+"?type=02&bank=100000000007&sum=150050&cur=RUB&crc="), payload)
	require.Equal(t, tb.server.URL+"/api/sbp/v1/qr/"+qrID+"/image", out["qrUrl"])
	require.Equal(t, 1, tb.bank.Registrations("ord-1"))
	require.Equal(t, "NEW", tb.bank.QRStatus(qrID))
}

// The fake's link checksum reproduces the published Raiffeisen example (sum=1 → AB75).
func TestRegisterLinkChecksumMatchesPublishedExample(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	// The fake issues its own QRC IDs, so check the algorithm through a link of the same shape:
	// the published link differs only in its ID, and the CRC covers it.
	out := tb.register(t, "ord-crc", "0.01")
	payload := out["payload"].(string)
	require.Contains(t, payload, "&sum=1&cur=RUB&crc=")
	require.Equal(t, crcCCITTFalse(payload[:strings.LastIndex(payload, "&crc=")]), payload[strings.LastIndex(payload, "&crc=")+5:])
	require.Equal(t, "AB75", crcCCITTFalse("https://qr.nspk.ru/AD100004BAL7227F9BNP6KNE007J9B3K?type=02&bank=100000000007&sum=1&cur=RUB"))
}

// crcCCITTFalse is an independent bitwise implementation used only to check the fake.
func crcCCITTFalse(s string) string {
	crc := 0xFFFF
	for _, c := range []byte(s) {
		for i := 7; i >= 0; i-- {
			bit := (int(c)>>i)&1 ^ (crc>>15)&1
			crc = (crc << 1) & 0xFFFF
			if bit == 1 {
				crc ^= 0x1021
			}
		}
	}
	return hex4(crc)
}

func hex4(v int) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{digits[v>>12&15], digits[v>>8&15], digits[v>>4&15], digits[v&15]})
}

func TestRegisterValidation(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tests := []struct {
		name, body string
		wantStatus int
		wantCode   string
	}{
		{"NotJSON", `{`, 400, "ERROR.INVALID_REQUEST"},
		{"NoMerchant", `{"qrType":"QRDynamic","order":"o1","amount":1,"currency":"RUB"}`, 400, "ERROR.SBP_MERCHANT_ID_IS_MISSING"},
		{"OtherMerchant", `{"qrType":"QRDynamic","sbpMerchantId":"MA1","order":"o1","amount":1,"currency":"RUB"}`, 400, "ERROR.MERCHANT_NOT_REGISTERED"},
		{"BadOrder", registerBody("o 1", "1", ""), 400, "ERROR.INVALID_ORDER"},
		{"NoAmount", `{"qrType":"QRDynamic","sbpMerchantId":"` + merchant + `","order":"o1","currency":"RUB"}`, 400, "ERROR.DYNAMIC_QR_WITHOUT_AMOUNT"},
		{"ZeroAmount", registerBody("o1", "0", ""), 400, "ERROR.INVALID_REQUEST"},
		{"FractionOfKopeck", registerBody("o1", "1.001", ""), 400, "ERROR.INVALID_REQUEST"},
		{"PastExpiry", registerBody("o1", "1", "2026-11-20T11:59:00+03:00"), 400, "ERROR.QR_EXPIRATION_DATE_NOT_VALID"},
		{"BadExpiry", registerBody("o1", "1", "20.11.2026"), 400, "ERROR.QR_EXPIRATION_DATE_NOT_VALID"},
		{"BadAccount", strings.Replace(registerBody("o1", "1", ""), "{", `{"account":"123",`, 1), 400, "ERROR.ACCOUNT_IS_NOT_REGISTERED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, _, out := tb.do(t, http.MethodPost, "/api/sbp/v1/qr/register", tt.body, false)
			require.Equal(t, tt.wantStatus, status)
			require.Equal(t, tt.wantCode, out["code"])
			require.NotEmpty(t, out["message"])
		})
	}
	require.Equal(t, 0, tb.bank.Registrations("o1"))
}

func TestAuthRequiredExceptRegistration(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	qrID := tb.register(t, "ord-auth", "1")["qrId"].(string)
	for _, path := range []string{"/api/sbp/v2/qrs/" + qrID, "/api/sbp/v1/qr/" + qrID + "/payment-info", "/api/sbp/v1/refund/r1"} {
		status, _, _ := tb.do(t, http.MethodGet, path, "", false)
		require.Equal(t, http.StatusUnauthorized, status, path)
	}
	status, _, out := tb.do(t, http.MethodGet, "/api/sbp/v2/qrs/"+qrID, "", true)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "NEW", out["qrStatus"])
}

func TestPayThenStateAndPaymentInfo(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	qrID := tb.register(t, "ord-pay", "250")["qrId"].(string)

	_, err := tb.bank.Pay("ord-pay", decimal.NewFromInt(249))
	require.ErrorIs(t, err, sbpfake.ErrAmountMismatch)
	_, err = tb.bank.Pay("ord-none", decimal.NewFromInt(1))
	require.ErrorIs(t, err, sbpfake.ErrNoPayableQR)

	p, err := tb.bank.Pay("ord-pay", decimal.NewFromInt(250))
	require.NoError(t, err)
	require.Equal(t, qrID, p.QRID)
	require.Equal(t, "2026-11-20T12:00:00.000000+03:00", p.TransactionDate)

	_, _, out := tb.do(t, http.MethodGet, "/api/sbp/v2/qrs/"+qrID, "", true)
	require.Equal(t, "PAID", out["qrStatus"])
	_, _, out = tb.do(t, http.MethodGet, "/api/sbp/v1/qr/"+qrID+"/payment-info", "", true)
	require.Equal(t, "SUCCESS", out["paymentStatus"])
	require.Equal(t, "ord-pay", out["order"])
	require.EqualValues(t, 250, out["amount"])
	require.EqualValues(t, p.TransactionID, out["transactionId"])

	status, _, out := tb.do(t, http.MethodPost, "/api/sbp/v1/qr/register", registerBody("ord-pay", "250", ""), false)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Equal(t, "ERROR.ORDER_NUMBER_ALREADY_REGISTERED", out["code"])
}

func TestQRLifecycle(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	status, _, out := tb.do(t, http.MethodPost, "/api/sbp/v1/qr/register", registerBody("ord-life", "1", "2026-11-20T12:30:00+03:00"), false)
	require.Equal(t, http.StatusOK, status)
	qrID := out["qrId"].(string)
	_, _, out = tb.do(t, http.MethodGet, "/api/sbp/v1/qr/"+qrID+"/payment-info", "", true)
	require.Equal(t, "NO_INFO", out["paymentStatus"])

	tb.advance(30 * time.Minute)
	require.Equal(t, "EXPIRED", tb.bank.QRStatus(qrID))
	_, err := tb.bank.Pay("ord-life", decimal.NewFromInt(1))
	require.ErrorIs(t, err, sbpfake.ErrNoPayableQR)

	qr2 := tb.register(t, "ord-life", "1")["qrId"].(string)
	require.Equal(t, 2, tb.bank.Registrations("ord-life"))
	_, err = tb.bank.StartPayment("ord-life")
	require.NoError(t, err)
	require.Equal(t, "IN_PROGRESS", tb.bank.QRStatus(qr2))
	status, _, _ = tb.do(t, http.MethodDelete, "/api/sbp/v2/qrs/"+qr2, "", true)
	require.Equal(t, http.StatusBadRequest, status, "a QR being paid cannot be cancelled")

	qr3 := tb.register(t, "ord-cancel", "1")["qrId"].(string)
	status, _, _ = tb.do(t, http.MethodDelete, "/api/sbp/v2/qrs/"+qr3, "", true)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "CANCELLED", tb.bank.QRStatus(qr3))
	status, _, out = tb.do(t, http.MethodDelete, "/api/sbp/v2/qrs/AD000000000000000000000000000000", "", true)
	require.Equal(t, http.StatusNotFound, status)
	require.Equal(t, "ERROR.NOT_FOUND", out["code"])
}

func TestRefunds(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.register(t, "ord-ref", "100")
	refund := func(id, amount string) (int, map[string]any) {
		status, _, out := tb.do(t, http.MethodPost, "/api/sbp/v1/refund",
			`{"order":"ord-ref","refundId":"`+id+`","amount":`+amount+`}`, true)
		return status, out
	}
	status, out := refund("r1", "10")
	require.Equal(t, http.StatusNotFound, status, "nothing paid yet")
	require.Equal(t, "ERROR.NOT_FOUND", out["code"])

	_, err := tb.bank.Pay("ord-ref", decimal.NewFromInt(100))
	require.NoError(t, err)
	status, out = refund("r1", "60")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "IN_PROGRESS", out["refundStatus"])
	status, out = refund("r1", "60")
	require.Equal(t, http.StatusOK, status, "same refund again is idempotent")
	status, out = refund("r1", "61")
	require.Equal(t, http.StatusBadRequest, status, "same id, other amount")
	status, out = refund("r2", "40.01")
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Equal(t, "ERROR.REFUND_INSUFFICIENT_FUNDS", out["code"])
	status, out = refund("r3", "0.001")
	require.Equal(t, http.StatusBadRequest, status)
	status, out = refund("r4", "0")
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "ERROR.INVALID_REQUEST", out["code"])

	require.NoError(t, tb.bank.CompleteRefund("r1"))
	require.ErrorIs(t, tb.bank.CompleteRefund("r1"), sbpfake.ErrNoRefund)
	_, _, out = tb.do(t, http.MethodGet, "/api/sbp/v1/refund/r1", "", true)
	require.Equal(t, "COMPLETED", out["refundStatus"])
	status, _, out = tb.do(t, http.MethodGet, "/api/sbp/v1/refund/nope", "", true)
	require.Equal(t, http.StatusNotFound, status)
	require.Equal(t, "ERROR.REFUND_NOT_FOUND", out["code"])
}

func TestErrorsAsHTTP200(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.bank.ErrorsAsHTTP200(true)
	status, _, out := tb.do(t, http.MethodGet, "/api/sbp/v2/qrs/AD000000000000000000000000000000", "", true)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "ERROR.NOT_FOUND", out["code"])
	status, _, _ = tb.do(t, http.MethodGet, "/api/sbp/v2/qrs/AD000000000000000000000000000000", "", false)
	require.Equal(t, http.StatusUnauthorized, status, "auth failures keep their status")
}

func TestRateLimitAndFailures(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.bank.RateLimitNext(1, 2*time.Second)
	status, h, _ := tb.do(t, http.MethodPost, "/api/sbp/v1/qr/register", registerBody("ord-rl", "1", ""), false)
	require.Equal(t, http.StatusTooManyRequests, status)
	require.Equal(t, "2", h.Get("Retry-After"))
	require.Equal(t, 0, tb.bank.Registrations("ord-rl"), "a rate-limited request is not carried out")
	tb.register(t, "ord-rl", "1")

	tb.bank.FailNext(1, http.StatusInternalServerError, true)
	status, _, _ = tb.do(t, http.MethodPost, "/api/sbp/v1/qr/register", registerBody("ord-500", "1", ""), false)
	require.Equal(t, http.StatusInternalServerError, status)
	require.Equal(t, 1, tb.bank.Registrations("ord-500"), "processed, then failed")

	tb.bank.FailNext(1, http.StatusServiceUnavailable, false)
	status, _, _ = tb.do(t, http.MethodPost, "/api/sbp/v1/qr/register", registerBody("ord-503", "1", ""), false)
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.Equal(t, 0, tb.bank.Registrations("ord-503"))
	require.Equal(t, 4, tb.bank.Requests(), "429, success, 500, 503")
}

func TestDelayHidesACompletedRegistration(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.bank.SetDelay(time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tb.server.URL+"/api/sbp/v1/qr/register",
		strings.NewReader(registerBody("ord-slow", "1", "")))
	require.NoError(t, err)
	_, err = http.DefaultClient.Do(req)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Equal(t, 1, tb.bank.Registrations("ord-slow"))
}

func TestCallbackSignedLikeTheBankSDK(t *testing.T) {
	t.Parallel()
	tb := setup(t, func(c *sbpfake.Config) { c.SecretKey = sdkKey })
	c := sbpfake.Callback{TransactionID: 17998, QRID: "AS1000408BSPMRDI8IHBGO4DFQAISU9O",
		Order: "dfe0ff08-4796-46bb-a9fb-93fcd99ce748", Amount: decimal.RequireFromString("101.01"), Status: "SUCCESS",
		TransactionDate: "2020-07-24T17:20:00.999232+03:00", CreateDate: "2020-07-24T17:19:58+03:00"}
	require.Equal(t, sdkSignature, tb.bank.Signature(c))
	tb.bank.SendCallback(c, "")
	tb.bank.WaitCallbacks()
	got := tb.callback.got()
	require.Len(t, got, 1)
	require.Equal(t, sdkSignature, got[0].signature)
	require.JSONEq(t, `{"transactionId":17998,"qrId":"AS1000408BSPMRDI8IHBGO4DFQAISU9O","sbpMerchantId":"MA0000000552",
		"merchantId":123,"amount":101.01,"currency":"RUB","transactionDate":"2020-07-24T17:20:00.999232+03:00",
		"paymentStatus":"SUCCESS","additionalInfo":null,"order":"dfe0ff08-4796-46bb-a9fb-93fcd99ce748",
		"createDate":"2020-07-24T17:19:58+03:00"}`, got[0].body)
}

func TestCallbackRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		failures      int
		wantAttempts  int
		wantDelivered int
	}{
		{"AcceptedFirstTime", 0, 1, 1},
		{"AcceptedOnThirdTry", 2, 3, 1},
		{"GivesUpAfterRetries", 10, 3, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			tb.callback.failNext(tt.failures)
			tb.register(t, "ord-cb", "5")
			_, err := tb.bank.Pay("ord-cb", decimal.NewFromInt(5))
			require.NoError(t, err)
			tb.bank.WaitCallbacks()
			require.Len(t, tb.bank.Deliveries(), tt.wantAttempts)
			require.Equal(t, tt.wantDelivered, tb.bank.CallbacksDelivered())
			got := tb.callback.got()
			require.Len(t, got, tt.wantAttempts)
			for _, g := range got {
				require.Equal(t, got[0], g, "every retry carries the same body and signature")
			}
		})
	}
}

func TestCallbackDuplicatesAndOrder(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.register(t, "ord-order", "5")
	tb.bank.HoldCallbacks(true)
	tb.bank.DuplicateCallbacks(true)
	_, err := tb.bank.Decline("ord-order")
	require.NoError(t, err)
	_, err = tb.bank.Pay("ord-order", decimal.NewFromInt(5))
	require.NoError(t, err)
	require.Empty(t, tb.callback.got(), "held")
	tb.bank.ReleaseCallbacks()
	tb.bank.WaitCallbacks()
	var statuses []string
	for _, g := range tb.callback.got() {
		var body struct {
			PaymentStatus string `json:"paymentStatus"`
		}
		require.NoError(t, json.Unmarshal([]byte(g.body), &body))
		statuses = append(statuses, body.PaymentStatus)
	}
	require.Equal(t, []string{"SUCCESS", "SUCCESS", "DECLINED", "DECLINED"}, statuses)
}

func TestCallbackURLSetThroughAPI(t *testing.T) {
	t.Parallel()
	tb := setup(t, func(c *sbpfake.Config) { c.NotificationURL = "" })
	tb.register(t, "ord-url", "1")
	_, err := tb.bank.Pay("ord-url", decimal.NewFromInt(1))
	require.NoError(t, err)
	tb.bank.WaitCallbacks()
	require.Equal(t, 0, tb.bank.CallbacksDelivered())
	require.Equal(t, "no callback URL configured", tb.bank.Deliveries()[0].Err)

	status, _, _ := tb.do(t, http.MethodPost, "/api/settings/v1/callback", `{"callbackUrl":"`+tb.callback.server.URL+`"}`, false)
	require.Equal(t, http.StatusUnauthorized, status)
	status, _, out := tb.do(t, http.MethodPost, "/api/settings/v1/callback", `{"callbackUrl":"`+tb.callback.server.URL+`"}`, true)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, tb.callback.server.URL, out["callbackUrl"])

	tb.register(t, "ord-url2", "1")
	_, err = tb.bank.Pay("ord-url2", decimal.NewFromInt(1))
	require.NoError(t, err)
	tb.bank.WaitCallbacks()
	require.Equal(t, 1, tb.bank.CallbacksDelivered())
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	require.Error(t, sbpfake.Config{SecretKey: key}.Validate())
	require.Error(t, sbpfake.Config{SBPMerchantID: merchant}.Validate())
	require.Error(t, sbpfake.Config{SBPMerchantID: merchant, SecretKey: key, BankID: "1"}.Validate())
	require.NoError(t, sbpfake.Config{SBPMerchantID: merchant, SecretKey: key}.Validate())
}

func TestQRImageServed(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	out := tb.register(t, "ord-img", "1")
	resp, err := http.Get(out["qrUrl"].(string))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "image/png", resp.Header.Get("Content-Type"))
	img, err := png.Decode(resp.Body)
	require.NoError(t, err)
	require.Equal(t, 256, img.Bounds().Dx())

	resp2, err := http.Get(tb.server.URL + "/api/sbp/v1/qr/AD000000000000000000000000000000/image")
	require.NoError(t, err)
	resp2.Body.Close()
	require.Equal(t, http.StatusNotFound, resp2.StatusCode)
}
