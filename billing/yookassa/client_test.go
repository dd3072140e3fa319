package yookassa_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing/yookassa"
)

var rub = func(s string) yookassa.Amount { return yookassa.NewAmount(decimal.RequireFromString(s), "RUB") }

func firstPayment(value string) yookassa.CreatePayment {
	return yookassa.CreatePayment{Amount: rub(value), Capture: true,
		PaymentMethodData: &yookassa.PaymentMethodData{Type: "bank_card"}, SavePaymentMethod: true,
		Confirmation: &yookassa.Confirmation{Type: "redirect", ReturnURL: "https://app.example.ru/return"},
		Description:  "Подписка, ноябрь 2026"}
}

// savedCard runs the first payment and returns the saved method id.
func (tb *testBundle) savedCard(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	p, err := tb.client.CreatePayment(ctx, "cit-1", firstPayment("990"))
	require.NoError(t, err)
	require.Equal(t, yookassa.StatusPending, p.Status)
	_, err = tb.shop.Pay(p.ID)
	require.NoError(t, err)
	p, err = tb.client.GetPayment(ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, yookassa.StatusSucceeded, p.Status)
	require.NotEmpty(t, p.SavedMethodID())
	return p.SavedMethodID()
}

func charge(method string) yookassa.CreatePayment {
	return yookassa.CreatePayment{Amount: rub("990.00"), Capture: true, PaymentMethodID: method,
		Description: "Подписка, декабрь 2026", Metadata: map[string]string{"period": "2026-12"}}
}

func TestSameKeyChargesOnce(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	method := tb.savedCard(t)
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Go(func() {
			p, err := tb.client.CreatePayment(context.Background(), "sub-1:2026-12:1", charge(method))
			if err == nil {
				ids[i] = p.ID
			}
		})
	}
	wg.Wait()
	for _, id := range ids {
		require.Equal(t, ids[0], id)
	}
	require.Equal(t, 1, tb.shop.Charges(method))
}

func TestNewKeyIsANewCharge(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	method := tb.savedCard(t)
	for i := range 2 {
		_, err := tb.client.CreatePayment(context.Background(), fmt.Sprintf("sub-1:2026-12:%d", i), charge(method))
		require.NoError(t, err)
	}
	require.Equal(t, 2, tb.shop.Charges(method))
}

func TestLostAnswerIsUnknownAndTheSameKeyRecoversIt(t *testing.T) {
	t.Parallel()
	for _, carriedOut := range []bool{true, false} {
		t.Run(fmt.Sprint("carriedOut=", carriedOut), func(t *testing.T) {
			t.Parallel()
			tb := setup(t)
			method := tb.savedCard(t)
			tb.shop.FailNext(1, http.StatusInternalServerError, carriedOut)
			_, err := tb.client.CreatePayment(context.Background(), "k1", charge(method))
			require.ErrorIs(t, err, yookassa.ErrUnknownOutcome)
			require.ErrorIs(t, err, yookassa.ErrServer)
			p, err := tb.client.CreatePayment(context.Background(), "k1", charge(method))
			require.NoError(t, err)
			require.Equal(t, yookassa.StatusSucceeded, p.Status)
			require.Equal(t, 1, tb.shop.Charges(method))
		})
	}
}

func TestGetFailureIsNotAnUnknownOutcome(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	_, err := tb.client.GetPayment(context.Background(), "nope")
	require.ErrorIs(t, err, yookassa.ErrNotFound)
	require.NotErrorIs(t, err, yookassa.ErrUnknownOutcome)
}

func TestTimeoutIsUnknownOutcome(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	c := newClient(t, srv.URL, "test_secret")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := c.CreatePayment(ctx, "k", charge("m"))
	require.ErrorIs(t, err, yookassa.ErrUnknownOutcome)
	require.ErrorIs(t, err, yookassa.ErrTimeout)
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	method := tb.savedCard(t)

	_, err := newClient(t, tb.client.BaseURL(), "wrong").GetPayment(ctx, "x")
	require.ErrorIs(t, err, yookassa.ErrInvalidCredentials)

	_, err = tb.client.CreatePayment(ctx, "k", charge(method))
	require.NoError(t, err)
	other := charge(method)
	other.Amount = rub("1.00")
	_, err = tb.client.CreatePayment(ctx, "k", other)
	require.ErrorIs(t, err, yookassa.ErrKeyReused)

	_, err = tb.client.CreatePayment(ctx, "k2", charge("unknown-method"))
	var apiErr *yookassa.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "payment_method_id", apiErr.Parameter)

	usd := charge(method)
	usd.Amount.Currency = "USD"
	_, err = tb.client.CreatePayment(ctx, "k3", usd)
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "amount.currency", apiErr.Parameter)

	_, err = tb.client.CreatePayment(ctx, "", charge(method))
	require.ErrorIs(t, err, yookassa.ErrInvalidRequest)
	require.Equal(t, 1, tb.shop.Charges(method))
}

func TestDeclinesCarryTheirReason(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	method := tb.savedCard(t)
	tb.shop.SetMethodDecline(method, yookassa.ReasonInsufficientFunds)
	p, err := tb.client.CreatePayment(context.Background(), "k1", charge(method))
	require.NoError(t, err)
	require.Equal(t, yookassa.StatusCanceled, p.Status)
	require.Equal(t, yookassa.PartyPaymentNetwork, p.CancellationDetails.Party)
	require.False(t, yookassa.HardDecline(p.CancellationDetails.Reason))
	tb.shop.SetMethodDecline(method, "")
	p, err = tb.client.CreatePayment(context.Background(), "k2", charge(method))
	require.NoError(t, err)
	require.Equal(t, yookassa.StatusSucceeded, p.Status)
}

func TestRefundsNeverExceedThePayment(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	method := tb.savedCard(t)
	p, err := tb.client.CreatePayment(ctx, "k", charge(method))
	require.NoError(t, err)
	r, err := tb.client.CreateRefund(ctx, "r1", yookassa.CreateRefund{PaymentID: p.ID, Amount: rub("990.00")})
	require.NoError(t, err)
	require.Equal(t, yookassa.RefundSucceeded, r.Status)
	_, err = tb.client.CreateRefund(ctx, "r2", yookassa.CreateRefund{PaymentID: p.ID, Amount: rub("0.01")})
	require.ErrorIs(t, err, yookassa.ErrInvalidRequest)
	got, err := tb.client.GetRefund(ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, r, got)
}

func TestTwoStagePaymentCaptureAndCancel(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	method := tb.savedCard(t)
	in := charge(method)
	in.Capture = false
	p, err := tb.client.CreatePayment(ctx, "a", in)
	require.NoError(t, err)
	require.Equal(t, yookassa.StatusWaitingForCapture, p.Status)
	p, err = tb.client.CapturePayment(ctx, "a-capture", p.ID)
	require.NoError(t, err)
	require.Equal(t, yookassa.StatusSucceeded, p.Status)
	_, err = tb.client.CancelPayment(ctx, "a-cancel", p.ID)
	require.ErrorIs(t, err, yookassa.ErrInvalidRequest)
}
