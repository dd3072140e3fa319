package invoicebox

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAnswerFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		body string
	}{
		{"Processed", nil, `{"status":"success"}`},
		{"BadSignature", ErrSignatureMismatch, `{"status":"error","code":"signature_error","message":"Неверная подпись уведомления"}`},
		{"UnknownOrder", fmt.Errorf("payment PAY-1: %w", ErrOrderUnknown), `{"status":"error","code":"order_not_found","message":"Заказ не найден"}`},
		{"WrongAmount", ErrAmountMismatch, `{"status":"error","code":"order_wrong_amount","message":"Сумма заказа не совпадает"}`},
		{"PaidAnotherWay", ErrPaidOtherwise, `{"status":"error","code":"order_already_paid","message":"Заказ уже оплачен"}`},
		{"CannotDeliver", ErrCannotDeliver, `{"status":"error","code":"shipping_unavailable","message":"Услуга не может быть оказана"}`},
		{"DatabaseDown", errors.New("db: connection refused"), `{"status":"error","code":"out_of_service","message":"Сервис временно недоступен, повторите позже"}`},
		{"NoKeyConfigured", ErrNoNotificationKey, `{"status":"error","code":"out_of_service","message":"Сервис временно недоступен, повторите позже"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := AnswerFor(tt.err)
			require.Equal(t, http.StatusOK, a.HTTPStatus, "Invoicebox counts anything but 200 as a failed delivery")
			require.JSONEq(t, tt.body, string(a.Body()))
		})
	}
}

func TestAPIErrorMatchesSentinels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		err    *APIError
		target error
		want   bool
	}{
		{"WrongTotal", &APIError{Status: 422, Code: CodeWrongTotalAmount}, ErrWrongAmount, true},
		{"WrongLineVAT", &APIError{Status: 422, Code: CodeWrongBasketItemTotalVAT}, ErrWrongAmount, true},
		{"WrongTotalIsValidation", &APIError{Status: 422, Code: CodeWrongTotalAmount}, ErrValidation, true},
		{"Duplicate", &APIError{Status: 422, Code: CodeMerchantOrderIDDuplicate}, ErrDuplicateOrderID, true},
		{"Expiration", &APIError{Status: 422, Code: CodeWrongExpirationDate}, ErrWrongExpiration, true},
		{"Currency", &APIError{Status: 422, Code: CodeWrongCurrency}, ErrWrongCurrency, true},
		{"Status", &APIError{Status: 422, Code: CodeWrongOrderStatus}, ErrWrongOrderStatus, true},
		{"StatusOfPaidOrder", &APIError{Status: 422, Code: CodeWrongOrderStatus, OrderStatus: StatusCompleted}, ErrAlreadyPaid, true},
		{"StatusOfExpiredOrderNotPaid", &APIError{Status: 422, Code: CodeWrongOrderStatus, OrderStatus: StatusExpired}, ErrAlreadyPaid, false},
		{"Unauthorized", &APIError{Status: 401, Code: CodeUnauthorized}, ErrUnauthorized, true},
		{"ForbiddenWithoutCode", &APIError{Status: 403}, ErrForbidden, true},
		{"NotFound", &APIError{Status: 404}, ErrNotFound, true},
		{"RateLimited", &APIError{Status: 429}, ErrRateLimited, true},
		{"ServerErrorOnWrite", &APIError{Status: 502, write: true}, ErrUnknownOutcome, true},
		{"ServerErrorOnRead", &APIError{Status: 500}, ErrUnknownOutcome, false},
		{"ServerError", &APIError{Status: 500}, ErrServer, true},
		{"ValidationIsNotServer", &APIError{Status: 422}, ErrServer, false},
		{"UnknownCodeIsNotAmount", &APIError{Status: 422, Code: "something_new"}, ErrWrongAmount, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, errors.Is(fmt.Errorf("wrapped: %w", tt.err), tt.target))
		})
	}
}

func TestAPIErrorFromDocumentedBody(t *testing.T) {
	t.Parallel()
	b := setup(t)
	srv := rawServer(t, http.StatusUnprocessableEntity,
		`{"error":{"message":"Calculation Error","code":"wrong_total_amount","fields":[{"name":"amount","code":"wrong_value","message":""}]}}`)
	c, err := New(Config{BaseURL: srv, Token: "t", MerchantID: "m"})
	require.NoError(t, err)
	_, err = c.CreateOrder(t.Context(), b.input("PAY-RAW"))
	require.ErrorIs(t, err, ErrWrongAmount)
	require.NotErrorIs(t, err, ErrUnknownOutcome)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, []FieldError{{Name: "amount", Code: "wrong_value"}}, ae.Fields)
	require.Equal(t, "req-42", ae.RequestID)
	require.Contains(t, ae.Error(), "wrong_total_amount")
}

func TestSuccessWithoutDataIsUnexpected(t *testing.T) {
	t.Parallel()
	b := setup(t)
	srv := rawServer(t, http.StatusOK, `<html>maintenance</html>`)
	c, err := New(Config{BaseURL: srv, Token: "t", MerchantID: "m"})
	require.NoError(t, err)
	_, err = c.CreateOrder(t.Context(), b.input("PAY-HTML"))
	require.ErrorIs(t, err, ErrUnexpectedResponse)
	require.ErrorIs(t, err, ErrUnknownOutcome, "a 200 we cannot read may still have created the order")
	_, err = c.FindOrder(t.Context(), "PAY-HTML")
	require.ErrorIs(t, err, ErrUnexpectedResponse)
	require.NotErrorIs(t, err, ErrUnknownOutcome)
}

func rawServer(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", "req-42")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	return srv
}
