package invoicebox

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"b24pay/billing/invoicebox/invoiceboxfake"

	"github.com/stretchr/testify/require"
)

func TestCreateOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o, err := b.client.CreateOrder(context.Background(), b.input("PAY-1"))
	require.NoError(t, err)
	require.NotEmpty(t, o.ID)
	require.Equal(t, "PAY-1", o.MerchantOrderID)
	require.Equal(t, StatusCreated, o.Status)
	require.Equal(t, "12200.00", o.Amount.StringFixed(2))
	require.Equal(t, "2200.00", o.VATAmount.StringFixed(2))
	require.True(t, strings.HasSuffix(o.PaymentURL, o.ContainerID), o.PaymentURL)
	require.Equal(t, b.now.Add(72*time.Hour), o.ExpiresAt)
	require.NotEmpty(t, o.RequestID)
	require.Equal(t, 1, b.fake.OrdersCreated("PAY-1"))
	fo, ok := b.fake.Order("PAY-1")
	require.True(t, ok)
	require.Equal(t, b.sink.server.URL+"/webhooks/invoicebox", fo.NotificationURL)
}

func TestCreateOrderForSoleProprietorAndManyLines(t *testing.T) {
	t.Parallel()
	b := setup(t)
	in := b.input("PAY-IP")
	in.Customer = Customer{Kind: CustomerLegal, Name: "ИП Иванов И. И.", INN: "500123456750"}
	in.Lines = []Line{serviceLine("3333.33", VAT22), serviceLine("3333.33", VAT20), serviceLine("1.11", VATNone)}
	in.Lines[1].Quantity = dec("2")
	in.Lines[1].SKU = "INST-2"
	in.Amount = dec("10001.10")
	in.Trusted, in.TimeLimit = true, 30*24*time.Hour
	o, err := b.client.CreateOrder(context.Background(), in)
	require.NoError(t, err, "the fake validates every sum the way Invoicebox does")
	require.Equal(t, "10001.10", o.Amount.StringFixed(2))
}

func TestCreateOrderManyAmountsAcceptedByTheFake(t *testing.T) {
	t.Parallel()
	b := setup(t)
	codes := []VATCode{VAT22, VAT20, VAT10, VAT7, VAT5, VAT0, VATNone}
	for i := 0; i < 60; i++ {
		price := dec("0.01").Mul(dec(strings.Repeat("7", 1+i%6))).Add(dec("0.01").Mul(decFromInt(i)))
		in := b.input("PAY-MANY-" + price.String() + "-" + string(codes[i%len(codes)]))
		in.Lines = []Line{serviceLine(price.StringFixed(2), codes[i%len(codes)])}
		in.Lines[0].Quantity = decFromInt(1 + i%4)
		in.Amount = price.Mul(decFromInt(1 + i%4))
		_, err := b.client.CreateOrder(context.Background(), in)
		require.NoError(t, err, "price %s code %s", price, codes[i%len(codes)])
	}
}

func TestCreateOrderIsIdempotentByMerchantOrderID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	first, err := b.client.CreateOrder(ctx, b.input("PAY-2"))
	require.NoError(t, err)
	again, err := b.client.CreateOrder(ctx, b.input("PAY-2"))
	require.NoError(t, err)
	require.Equal(t, first.ID, again.ID)
	require.Equal(t, 2, b.fake.CreateAttempts("PAY-2"))
	require.Equal(t, 1, b.fake.OrdersCreated("PAY-2"))
}

func TestCreateOrderDuplicateWithAnotherAmount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	_, err := b.client.CreateOrder(ctx, b.input("PAY-3"))
	require.NoError(t, err)
	in := b.input("PAY-3")
	in.Lines[0].UnitPrice, in.Amount = dec("100"), dec("100")
	_, err = b.client.CreateOrder(ctx, in)
	require.ErrorIs(t, err, ErrDuplicateOrderID)
	require.Equal(t, 1, b.fake.OrdersCreated("PAY-3"))
}

func TestCreateOrderTimeoutThenLookupFindsTheOrder(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{timeout: 200 * time.Millisecond})
	ctx := context.Background()
	b.fake.DelayNext(1, 5*time.Second, 1) // after processing: the order exists, the answer is late
	_, err := b.client.CreateOrder(ctx, b.input("PAY-4"))
	require.ErrorIs(t, err, ErrTimeout)
	require.ErrorIs(t, err, ErrUnknownOutcome)
	var te *TransportError
	require.ErrorAs(t, err, &te)

	found, err := b.client.FindOrder(ctx, "PAY-4")
	require.NoError(t, err)
	require.Equal(t, StatusCreated, found.Status)
	require.Equal(t, 1, b.fake.OrdersCreated("PAY-4"))
}

func TestCreateOrderTimeoutBeforeProcessingCreatesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{timeout: 200 * time.Millisecond})
	b.fake.DelayNext(1, 5*time.Second, 0)
	_, err := b.client.CreateOrder(context.Background(), b.input("PAY-5"))
	require.ErrorIs(t, err, ErrUnknownOutcome)
	_, err = b.client.FindOrder(context.Background(), "PAY-5")
	require.ErrorIs(t, err, ErrNotFound)
}

func TestReadTimeoutIsNotAnUnknownOutcome(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{timeout: 200 * time.Millisecond})
	b.fake.DelayNext(1, 5*time.Second, 0)
	_, err := b.client.FindOrder(context.Background(), "PAY-X")
	require.ErrorIs(t, err, ErrTimeout)
	require.NotErrorIs(t, err, ErrUnknownOutcome)
}

func TestServerErrorOnCreateIsUnknownOutcome(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.fake.FailNext(1, true)
	_, err := b.client.CreateOrder(ctx, b.input("PAY-6"))
	require.ErrorIs(t, err, ErrServer)
	require.ErrorIs(t, err, ErrUnknownOutcome)
	require.Equal(t, 1, b.fake.CreateAttempts("PAY-6"), "a 5xx on create is never retried blindly")

	b.fake.FailNext(1, false)
	_, err = b.client.FindOrder(ctx, "PAY-6")
	require.ErrorIs(t, err, ErrServer)
	require.NotErrorIs(t, err, ErrUnknownOutcome)
}

func TestRateLimitIsWaitedOut(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.RateLimitNext(2, 3*time.Second)
	o, err := b.client.CreateOrder(context.Background(), b.input("PAY-7"))
	require.NoError(t, err)
	require.Equal(t, StatusCreated, o.Status)
	require.Equal(t, []time.Duration{3 * time.Second, 3 * time.Second}, b.sleeps.all())
	require.Equal(t, 1, b.fake.OrdersCreated("PAY-7"))
}

func TestRateLimitBeyondRetriesIsTyped(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.RateLimitNext(10, 2*time.Second)
	_, err := b.client.GetOrder(context.Background(), "any")
	require.ErrorIs(t, err, ErrRateLimited)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, 2*time.Second, ae.RetryAfter)
	require.Len(t, b.sleeps.all(), DefaultRateLimitRetries)
}

func TestRateLimitLongerThanTheBoundIsNotWaited(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.RateLimitNext(1, 10*time.Minute)
	_, err := b.client.CreateOrder(context.Background(), b.input("PAY-8"))
	require.ErrorIs(t, err, ErrRateLimited)
	require.NotErrorIs(t, err, ErrUnknownOutcome, "a 429 was not processed")
	require.Empty(t, b.sleeps.all())
	require.Equal(t, 0, b.fake.OrdersCreated("PAY-8"))
}

func TestWrongTokenIsUnauthorized(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c, err := New(Config{BaseURL: b.server.URL, Token: "wrong", MerchantID: b.fake.MerchantID()})
	require.NoError(t, err)
	_, err = c.FindOrder(context.Background(), "PAY-1")
	require.ErrorIs(t, err, ErrUnauthorized)
}

func TestUpdateOrderWhileCreated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	o, err := b.client.CreateOrder(ctx, b.input("PAY-9"))
	require.NoError(t, err)
	up, err := b.client.UpdateOrder(ctx, UpdateInput{
		OrderID: o.ID, Amount: dec("6100"), Lines: []Line{serviceLine("6100", VAT22)},
		Now: b.now, TimeLimit: time.Hour,
	})
	require.NoError(t, err)
	require.Equal(t, o.ID, up.ID)
	require.Equal(t, o.PaymentURL, up.PaymentURL, "the payer keeps the same link")
	require.Equal(t, "6100.00", up.Amount.StringFixed(2))
	require.Equal(t, "1100.00", up.VATAmount.StringFixed(2))
	require.Equal(t, b.now.Add(time.Hour), up.ExpiresAt)
}

func TestUpdateOrderAfterPaymentIsAlreadyPaid(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	o, err := b.client.CreateOrder(ctx, b.input("PAY-10"))
	require.NoError(t, err)
	require.NoError(t, b.fake.Pay(o.ID, o.Amount))
	_, err = b.client.UpdateOrder(ctx, UpdateInput{OrderID: o.ID, Amount: dec("1"), Lines: []Line{serviceLine("1", VAT22)}})
	require.ErrorIs(t, err, ErrWrongOrderStatus)
	require.ErrorIs(t, err, ErrAlreadyPaid)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, StatusCompleted, ae.OrderStatus)
}

func TestCancelOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	o, err := b.client.CreateOrder(ctx, b.input("PAY-11"))
	require.NoError(t, err)
	c, err := b.client.CancelOrder(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, StatusCanceled, c.Status)
	again, err := b.client.CancelOrder(ctx, o.ID)
	require.NoError(t, err, "cancel is idempotent")
	require.Equal(t, StatusCanceled, again.Status)
	require.ErrorIs(t, b.fake.Pay(o.ID, o.Amount), invoiceboxfake.ErrNotPayable, "a canceled order cannot be paid")
}

func TestCancelPaidOrderIsAlreadyPaid(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	o, err := b.client.CreateOrder(ctx, b.input("PAY-12"))
	require.NoError(t, err)
	require.NoError(t, b.fake.Pay(o.ID, o.Amount))
	_, err = b.client.CancelOrder(ctx, o.ID)
	require.ErrorIs(t, err, ErrAlreadyPaid)
}

func TestGetOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	o, err := b.client.CreateOrder(ctx, b.input("PAY-13"))
	require.NoError(t, err)
	require.NoError(t, b.fake.Pay(o.ID, o.Amount))
	got, err := b.client.GetOrder(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, StatusCompleted, got.Status)
	require.True(t, got.Status.IsPaid())
	require.Equal(t, b.now, got.PaidAt)
	_, err = b.client.GetOrder(ctx, "0193a1b2-0000-7000-8000-00000000dead")
	require.ErrorIs(t, err, ErrNotFound)
}

// Without the single-order path (documented only by production tooling) GetOrder
// falls back to the documented filter.
func TestGetOrderFallsBackToFilter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	o, err := b.client.CreateOrder(ctx, b.input("PAY-14"))
	require.NoError(t, err)
	noSingle := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v3/billing/api/order/order/") {
			http.NotFound(w, r)
			return
		}
		b.fake.ServeHTTP(w, r)
	}))
	t.Cleanup(noSingle.Close)
	c, err := New(Config{BaseURL: noSingle.URL, Token: Secret(b.fake.Token()), MerchantID: b.fake.MerchantID()})
	require.NoError(t, err)
	got, err := c.GetOrder(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, o.ID, got.ID)
}

func TestCanceledContextDuringWriteIsUnknownNotTimeout(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := b.client.CreateOrder(ctx, b.input("PAY-15"))
	require.ErrorIs(t, err, ErrUnknownOutcome)
	require.NotErrorIs(t, err, ErrTimeout)
	require.True(t, errors.Is(err, context.Canceled))
}

func TestInvalidInputSendsNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	in := b.input("PAY-16")
	in.TimeLimit = 8 * 24 * time.Hour
	_, err := b.client.CreateOrder(context.Background(), in)
	require.ErrorIs(t, err, ErrInvalidInput)
	require.Equal(t, 0, b.fake.Requests())
}

func TestCheckAuth(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.client.CheckAuth(context.Background()))
	bad, err := New(Config{BaseURL: b.server.URL, Token: "wrong", MerchantID: b.fake.MerchantID()})
	require.NoError(t, err)
	require.ErrorIs(t, bad.CheckAuth(context.Background()), ErrUnauthorized)
	anonymous := rawServer(t, http.StatusOK, `{"data":{"userId":null,"profile":null,"accessToken":null},"extendedData":[]}`)
	anon, err := New(Config{BaseURL: anonymous, Token: "x", MerchantID: "m"})
	require.NoError(t, err)
	require.ErrorIs(t, anon.CheckAuth(context.Background()), ErrUnauthorized, "200 with a null user is not a valid token")
}

func TestRateLimitWaitInterruptedIsStillRateLimited(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.client.sleep = func(ctx context.Context, _ time.Duration) error { return context.Canceled }
	b.fake.RateLimitNext(1, time.Second)
	_, err := b.client.CreateOrder(context.Background(), b.input("PAY-17"))
	require.ErrorIs(t, err, ErrRateLimited)
	require.NotErrorIs(t, err, ErrUnknownOutcome, "a 429 was not processed")
	require.Equal(t, 0, b.fake.OrdersCreated("PAY-17"))
}
