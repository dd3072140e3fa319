package invoiceboxfake

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

const testKey = "demo-notify-key"

// testBundle is a fake behind httptest plus a shop endpoint that receives notifications.
type testBundle struct {
	fake *Server
	url  string
	now  time.Time
	shop *shop
}

// shop records notifications and answers from a script (success when it runs out).
type shop struct {
	url     string
	mu      sync.Mutex
	bodies  [][]byte
	sigs    []string
	answers []string
}

func (s *shop) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies = append(s.bodies, body)
	s.sigs = append(s.sigs, r.Header.Get("X-Signature"))
	answer := `{"status":"success"}`
	if len(s.answers) > 0 {
		answer, s.answers = s.answers[0], s.answers[1:]
	}
	s.mu.Unlock()
	_, _ = w.Write([]byte(answer))
}

func (s *shop) received() ([][]byte, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.bodies...), append([]string(nil), s.sigs...)
}

func setup(t *testing.T, edit ...func(*Options)) *testBundle {
	t.Helper()
	sh := &shop{}
	shopSrv := httptest.NewServer(sh)
	t.Cleanup(shopSrv.Close)
	sh.url = shopSrv.URL + "/webhooks/invoicebox"
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	opts := Options{NotificationKey: testKey, NotificationURL: sh.url, Now: func() time.Time { return now }, NotifyAttempts: 3}
	for _, e := range edit {
		e(&opts)
	}
	f := New(opts)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return &testBundle{fake: f, url: srv.URL, now: now, shop: sh}
}

// orderJSON is the reference's example order (organisation buyer, RUS_VAT22).
func orderBody(merchantOrderID string, edit func(m map[string]any)) []byte {
	m := map[string]any{
		"merchantId":      DemoMerchantID,
		"merchantOrderId": merchantOrderID,
		"description":     "Подписка на сервис, тариф Business, декабрь 2026",
		"amount":          json.Number("12200.00"),
		"vatAmount":       json.Number("2200.00"),
		"currencyId":      "RUB",
		"languageId":      "ru",
		"expirationDate":  "2026-11-30T21:00:00+00:00",
		"customer":        map[string]any{"type": "legal", "name": "ООО «Ромашка»", "vatNumber": "7710044140", "taxRegistrationReasonCode": "770201001"},
		"basketItems": []map[string]any{{
			"sku": "PLAN-BUSINESS-2026-12", "name": "Доступ к сервису", "measure": "шт.", "measureCode": "796",
			"quantity": 1, "amount": json.Number("12200.00"), "amountWoVat": json.Number("10000.00"),
			"totalAmount": json.Number("12200.00"), "totalVatAmount": json.Number("2200.00"),
			"vatCode": "RUS_VAT22", "type": "service", "paymentType": "full_prepayment",
		}},
	}
	if edit != nil {
		edit(m)
	}
	b, _ := json.Marshal(m)
	return b
}

func line(m map[string]any) map[string]any { return m["basketItems"].([]map[string]any)[0] }

type answer struct {
	status  int
	header  http.Header
	Data    json.RawMessage `json:"data"`
	MetaRaw json.RawMessage `json:"metaData"`
	Error   *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (b *testBundle) call(t *testing.T, method, path string, body []byte, token string) answer {
	t.Helper()
	req, err := http.NewRequest(method, b.url+path, bytes.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var a answer
	raw, _ := io.ReadAll(resp.Body)
	require.NoError(t, json.Unmarshal(raw, &a), string(raw))
	a.status, a.header = resp.StatusCode, resp.Header
	return a
}

func (b *testBundle) create(t *testing.T, id string) map[string]any {
	t.Helper()
	a := b.call(t, http.MethodPost, "/v3/billing/api/order/order", orderBody(id, nil), DemoToken)
	require.Equal(t, http.StatusOK, a.status, "%+v", a.Error)
	var o map[string]any
	require.NoError(t, json.Unmarshal(a.Data, &o))
	return o
}

func TestCreateOrderEchoesAndAddsFields(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.create(t, "INV-1")
	require.Equal(t, "created", o["status"])
	require.Equal(t, "INV-1", o["merchantOrderId"])
	require.Equal(t, 12200.0, o["amount"])
	require.True(t, strings.HasSuffix(o["paymentUrl"].(string), o["orderContainerId"].(string)))
	require.NotEqual(t, o["id"], o["orderContainerId"])
	require.Equal(t, "2026-11-22T09:00:00+00:00", o["createdAt"])
	require.Equal(t, 1, b.fake.OrdersCreated("INV-1"))
}

func TestBusinessPrefixServesTheSameAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.call(t, http.MethodPost, "/l3/billing/api/order/order", orderBody("INV-L3", nil), DemoToken)
	require.Equal(t, http.StatusOK, a.status)
}

func TestAuth(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.call(t, http.MethodPost, "/v3/billing/api/order/order", orderBody("INV-A", nil), "wrong")
	require.Equal(t, http.StatusUnauthorized, a.status)
	require.Equal(t, "unauthorized", a.Error.Code)
	a = b.call(t, http.MethodPost, "/v3/billing/api/order/order", orderBody("INV-A", nil), "")
	require.Equal(t, http.StatusUnauthorized, a.status)
	require.Equal(t, 0, b.fake.CreateAttempts("INV-A"))

	anon := b.call(t, http.MethodGet, "/v3/security/api/auth/auth", nil, "")
	require.Equal(t, http.StatusOK, anon.status)
	require.JSONEq(t, `{"userId":null,"profile":null,"accessToken":null}`, string(anon.Data), "no token is anonymous, not an error")
	me := b.call(t, http.MethodGet, "/v3/security/api/auth/auth", nil, DemoToken)
	require.NotContains(t, string(me.Data), `"userId":null`)
}

func TestCreateOrderValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		edit   func(m map[string]any)
		status int
		code   string
	}{
		{"OrderAmountNotSumOfLines", func(m map[string]any) { m["amount"] = json.Number("12200.01") }, 422, "wrong_total_amount"},
		{"OrderVATNotSumOfLines", func(m map[string]any) { m["vatAmount"] = json.Number("2000.00") }, 422, "wrong_total_vat_amount"},
		{"LineTotalNotPriceTimesQuantity", func(m map[string]any) { line(m)["quantity"] = 2 }, 422, "wrong_basket_item_total_amount"},
		{"LineVATWrong", func(m map[string]any) {
			line(m)["totalVatAmount"], m["vatAmount"] = json.Number("2033.33"), json.Number("2033.33")
		}, 422, "wrong_basket_item_total_vat_amount"},
		{"LineNetWrong", func(m map[string]any) { line(m)["amountWoVat"] = json.Number("10200.00") }, 422, "wrong_basket_item_amount_wo_vat"},
		{"ThreeDecimals", func(m map[string]any) { m["amount"] = json.Number("12200.001") }, 422, ""},
		{"UnknownVATCode", func(m map[string]any) { line(m)["vatCode"] = "NONE" }, 422, ""},
		{"NoBasket", func(m map[string]any) { m["basketItems"] = []map[string]any{} }, 422, ""},
		{"NoCustomer", func(m map[string]any) { delete(m, "customer") }, 422, ""},
		{"UnknownCustomerType", func(m map[string]any) { m["customer"] = map[string]any{"type": "individual_entrepreneur"} }, 422, ""},
		{"Currency", func(m map[string]any) { m["currencyId"] = "RUR" }, 422, "wrong_currency"},
		{"Language", func(m map[string]any) { m["languageId"] = "de" }, 422, "language_not_found"},
		{"ExpirationInThePast", func(m map[string]any) { m["expirationDate"] = "2026-11-22T08:59:59+00:00" }, 422, "wrong_expiration_date"},
		{"ExpirationNotATOM", func(m map[string]any) { m["expirationDate"] = "30.11.2026" }, 422, "wrong_expiration_date"},
		{"OtherMerchant", func(m map[string]any) { m["merchantId"] = "00000000-0000-0000-0000-000000000000" }, 403, "forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			a := b.call(t, http.MethodPost, "/v3/billing/api/order/order", orderBody("INV-V", tt.edit), DemoToken)
			require.Equal(t, tt.status, a.status)
			require.NotNil(t, a.Error)
			require.Equal(t, tt.code, a.Error.Code)
			require.Equal(t, 0, b.fake.OrdersCreated("INV-V"))
			require.Equal(t, 1, b.fake.CreateAttempts("INV-V"))
		})
	}
}

func TestDuplicateMerchantOrderID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.create(t, "INV-D")
	a := b.call(t, http.MethodPost, "/v3/billing/api/order/order", orderBody("INV-D", nil), DemoToken)
	require.Equal(t, http.StatusUnprocessableEntity, a.status)
	require.Equal(t, "merchant_order_id_duplicate", a.Error.Code)
	require.Equal(t, 2, b.fake.CreateAttempts("INV-D"))
	require.Equal(t, 1, b.fake.OrdersCreated("INV-D"))
}

func TestRateLimitSwitch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.RateLimitNext(1, 1500*time.Millisecond)
	a := b.call(t, http.MethodGet, "/v3/filter/api/order/order?merchantOrderId=x", nil, DemoToken)
	require.Equal(t, http.StatusTooManyRequests, a.status)
	require.Equal(t, "2", a.header.Get("Retry-After"))
	a = b.call(t, http.MethodGet, "/v3/filter/api/order/order?merchantOrderId=x", nil, DemoToken)
	require.Equal(t, http.StatusOK, a.status)
}

func TestSlowCreateStillCreates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.DelayNext(1, 10*time.Second, DelayAfterProcessing)
	client := &http.Client{Timeout: 100 * time.Millisecond}
	req, _ := http.NewRequest(http.MethodPost, b.url+"/v3/billing/api/order/order", bytes.NewReader(orderBody("INV-S", nil)))
	req.Header.Set("Authorization", "Bearer "+DemoToken)
	_, err := client.Do(req)
	require.Error(t, err)
	_, ok := b.fake.Order("INV-S")
	require.True(t, ok, "the write happened; only the answer was lost")
}

func TestFailAfterProcessing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.FailNext(1, true)
	a := b.call(t, http.MethodPost, "/v3/billing/api/order/order", orderBody("INV-F", nil), DemoToken)
	require.Equal(t, http.StatusInternalServerError, a.status)
	require.Equal(t, 1, b.fake.OrdersCreated("INV-F"))
	b.fake.FailNext(1, false)
	a = b.call(t, http.MethodPost, "/v3/billing/api/order/order", orderBody("INV-G", nil), DemoToken)
	require.Equal(t, http.StatusInternalServerError, a.status)
	require.Equal(t, 0, b.fake.CreateAttempts("INV-G"))
}

func TestFilterByMerchantOrderID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.create(t, "INV-Q1")
	b.create(t, "INV-Q2")
	a := b.call(t, http.MethodGet, "/v3/filter/api/order/order?merchantOrderId=INV-Q2", nil, DemoToken)
	var list []map[string]any
	require.NoError(t, json.Unmarshal(a.Data, &list))
	require.Len(t, list, 1)
	require.Equal(t, "INV-Q2", list[0]["merchantOrderId"])
	require.JSONEq(t, `{"totalCount":1,"pageSize":30,"page":1}`, string(a.MetaRaw))
}

func TestUpdateOnlyWhileCreated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.create(t, "INV-U")
	path := "/v3/billing/api/order/order/" + o["id"].(string)
	body := orderBody("INV-U", func(m map[string]any) {
		m["amount"], m["vatAmount"] = json.Number("6100.00"), json.Number("1100.00")
		l := line(m)
		l["amount"], l["totalAmount"], l["amountWoVat"], l["totalVatAmount"] = json.Number("6100.00"), json.Number("6100.00"), json.Number("5000.00"), json.Number("1100.00")
	})
	a := b.call(t, http.MethodPut, path, body, DemoToken)
	require.Equal(t, http.StatusOK, a.status, "%+v", a.Error)
	got, _ := b.fake.Order("INV-U")
	require.Equal(t, "6100.00", got.Amount.StringFixed(2))

	bad := b.call(t, http.MethodPut, path, orderBody("INV-U", func(m map[string]any) { m["amount"] = json.Number("1") }), DemoToken)
	require.Equal(t, "wrong_total_amount", bad.Error.Code)
	got, _ = b.fake.Order("INV-U")
	require.Equal(t, "6100.00", got.Amount.StringFixed(2), "a rejected update changes nothing")

	require.NoError(t, b.fake.Pay("INV-U", got.Amount))
	a = b.call(t, http.MethodPut, path, body, DemoToken)
	require.Equal(t, "wrong_order_status", a.Error.Code)
	a = b.call(t, http.MethodDelete, path, nil, DemoToken)
	require.Equal(t, "wrong_order_status", a.Error.Code)
}

func TestExpiryByClock(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	b := setup(t, func(o *Options) {
		o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	b.create(t, "INV-E")
	mu.Lock()
	now = time.Date(2026, 11, 30, 21, 0, 0, 0, time.UTC)
	mu.Unlock()
	got, _ := b.fake.Order("INV-E")
	require.Equal(t, "expired", got.Status)
	require.ErrorIs(t, b.fake.Pay("INV-E", decimal.NewFromInt(12200)), ErrNotPayable)
}

func TestPaySendsSignedPHPStyleNotification(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.create(t, "INV-P")
	require.NoError(t, b.fake.Pay(o["id"].(string), decimal.RequireFromString("12200")))
	bodies, sigs := b.shop.received()
	require.Len(t, bodies, 1)
	m := hmac.New(sha1.New, []byte(testKey))
	m.Write(bodies[0])
	require.Equal(t, hex.EncodeToString(m.Sum(nil)), sigs[0], "lower-case hex HMAC-SHA1 of the raw body")
	require.Contains(t, string(bodies[0]), `"paymentUrl":"https:\/\/pay.invoicebox.ru\/order\/`)
	var n map[string]any
	require.NoError(t, json.Unmarshal(bodies[0], &n))
	require.Equal(t, "completed", n["status"])
	require.Equal(t, "INV-P", n["merchantOrderId"])
	require.Equal(t, DemoMerchantID, n["merchantId"])
	require.Equal(t, "2026-11-22T09:00:00+00:00", n["paidAt"])
	require.Equal(t, 1, b.fake.NotificationsSent())
}

func TestNotificationRetriesAndGivesUp(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.shop.answers = []string{`{"status":"error","code":"out_of_service"}`, `not json`, `{"status":"error"}`}
	b.create(t, "INV-R")
	require.NoError(t, b.fake.Pay("INV-R", decimal.NewFromInt(12200)))
	d := b.fake.Deliveries()
	require.Len(t, d, 3, "NotifyAttempts bounds the retries")
	for i, x := range d {
		require.False(t, x.Accepted)
		require.Equal(t, i+1, x.Attempt)
	}
	require.Equal(t, "out_of_service", d[0].AnswerCode)
}

func TestNotificationToUnreachableEndpointIsRecorded(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *Options) { o.NotificationURL = "http://127.0.0.1:1/hook"; o.NotifyAttempts = 2 })
	o := b.call(t, http.MethodPost, "/v3/billing/api/order/order", orderBody("INV-X", nil), DemoToken)
	require.Equal(t, http.StatusOK, o.status)
	require.NoError(t, b.fake.Pay("INV-X", decimal.NewFromInt(12200)))
	d := b.fake.Deliveries()
	require.Len(t, d, 2)
	require.NotEmpty(t, d[0].Err)
	require.Zero(t, d[0].HTTPStatus)
}

func TestHoldReleaseReverseAndDuplicates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.create(t, "INV-H")
	b.fake.HoldNotifications()
	require.NoError(t, b.fake.Notify("INV-H"))
	require.NoError(t, b.fake.Pay("INV-H", decimal.NewFromInt(12200)))
	require.Equal(t, 0, b.fake.NotificationsSent())
	b.fake.DuplicateDeliveries(2)
	b.fake.Release(true)
	d := b.fake.Deliveries()
	require.Len(t, d, 6)
	require.Equal(t, []string{"completed", "completed", "completed", "created", "created", "created"},
		[]string{d[0].Status, d[1].Status, d[2].Status, d[3].Status, d[4].Status, d[5].Status})
}

func TestProbe(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.SendProbe()
	bodies, _ := b.shop.received()
	require.Len(t, bodies, 1)
	var n map[string]any
	require.NoError(t, json.Unmarshal(bodies[0], &n))
	require.Equal(t, "ffffffff-ffff-ffff-ffff-ffffffffffff", n["id"])
	require.Equal(t, "", n["merchantOrderId"])
}

func TestRefunds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.create(t, "INV-RF")
	id := o["id"].(string)
	sku := "PLAN-BUSINESS-2026-12" // the paid order's line (reference §8.2)
	refund := func(our, amount, vat, net string) answer {
		body, _ := json.Marshal(map[string]any{
			"parentId": id, "merchantOrderId": our, "description": "Возврат",
			"amount": json.Number(amount), "vatAmount": json.Number(vat),
			"basketItems": []map[string]any{{
				"sku": sku, "name": "Доступ", "measure": "шт.", "measureCode": "796", "quantity": 1,
				"amount": json.Number(amount), "amountWoVat": json.Number(net), "totalAmount": json.Number(amount),
				"totalVatAmount": json.Number(vat), "vatCode": "RUS_VAT22", "type": "service", "paymentType": "full_payment",
			}},
		})
		return b.call(t, http.MethodPost, "/v3/billing/api/order/refund-order", body, DemoToken)
	}
	require.Equal(t, "wrong_order_status", refund("R0", "100.00", "18.03", "81.97").Error.Code, "unpaid orders are not refunded")
	require.NoError(t, b.fake.Pay(id, decimal.NewFromInt(12200)))
	sku = "R1" // a line the order does not have
	require.Equal(t, "wrong_basket_items", refund("R1", "3935.48", "709.68", "3225.80").Error.Code)
	sku = "PLAN-BUSINESS-2026-12"
	a := refund("R1", "3935.48", "709.68", "3225.80")
	require.Equal(t, http.StatusOK, a.status, "%+v", a.Error)
	lines := b.call(t, http.MethodGet, "/v3/billing/api/order/order/"+id+"/refund-basket-item", nil, DemoToken)
	require.Equal(t, http.StatusOK, lines.status)
	var available []map[string]any
	require.NoError(t, json.Unmarshal(lines.Data, &available))
	require.Len(t, available, 1)
	require.Equal(t, sku, available[0]["sku"])
	require.EqualValues(t, 8264.52, available[0]["availableAmount"], "what is left of the line")
	require.Equal(t, "merchant_order_id_duplicate", refund("R1", "3935.48", "709.68", "3225.80").Error.Code)
	require.Equal(t, "merchant_order_id_duplicate", refund("INV-RF", "1.00", "0.18", "0.82").Error.Code, "ids are shared with orders")
	require.Equal(t, "wrong_total_amount", refund("R2", "8264.53", "1490.33", "6774.20").Error.Code, "more than is left")
	require.Equal(t, http.StatusOK, refund("R3", "8264.52", "1490.32", "6774.20").status)
	require.Equal(t, "12200.00", b.fake.RefundedAmount(id).StringFixed(2))

	list := b.call(t, http.MethodGet, "/v3/filter/api/order/refund-order?parentId="+id, nil, DemoToken)
	var refunds []map[string]any
	require.NoError(t, json.Unmarshal(list.Data, &refunds))
	require.Len(t, refunds, 2)
	require.Equal(t, "created", refunds[0]["status"])
	require.NoError(t, b.fake.CompleteRefund(refunds[0]["id"].(string)))
}

func FuzzCreateOrderBody(f *testing.F) {
	f.Add(orderBody("INV-Z", nil))
	f.Add(orderBody("INV-Z", func(m map[string]any) { m["amount"] = json.Number("1e999999999") }))
	f.Add([]byte(`{"basketItems":[{"quantity":"1e-99999","amount":1}]}`))
	f.Add([]byte(`[]`))
	fake := New(Options{Now: func() time.Time { return time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC) }})
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/v3/billing/api/order/order", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+DemoToken)
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, req)
		require.Contains(t, []int{200, 400, 403, 422}, rec.Code, rec.Body.String())
	})
}

func TestCancelNotifiesOnlyWhenSwitchedOn(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{false, true} {
		b := setup(t, func(o *Options) { o.NotifyOnCancelAndExpiry = on })
		o := b.create(t, "INV-C")
		a := b.call(t, http.MethodDelete, "/v3/billing/api/order/order/"+o["id"].(string), nil, DemoToken)
		require.Equal(t, http.StatusOK, a.status)
		got, _ := b.fake.Order("INV-C")
		require.Equal(t, "canceled", got.Status)
		d := b.fake.Deliveries()
		if !on {
			require.Empty(t, d)
			continue
		}
		require.Len(t, d, 1)
		require.Equal(t, "canceled", d[0].Status)
	}
}
