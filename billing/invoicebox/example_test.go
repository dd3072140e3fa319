package invoicebox_test

import (
	"fmt"
	"net/http"

	"b24pay/billing/invoicebox"
)

// The notification endpoint: verify the raw body, parse it, let the core process it,
// and render the answer Invoicebox expects.
func Example_notificationEndpoint() {
	body := []byte(`{"id":"0193a1b2-0000-7000-8000-000000000001","status":"completed","merchantId":"ffffffff-ffff-ffff-ffff-ffffffffffff","merchantOrderId":"INV-2026-0042","amount":12200.00,"currencyId":"RUB"}`)
	header := http.Header{}
	header.Set(invoicebox.SignatureHeader, "6bbfa0a6e2ae0a832c53e557cf764ff136d583e3")

	answer := handle(body, header, "demo-notify-key")
	fmt.Println(answer.HTTPStatus, string(answer.Body()))

	header.Set(invoicebox.SignatureHeader, "0000000000000000000000000000000000000000")
	answer = handle(body, header, "demo-notify-key")
	fmt.Println(answer.HTTPStatus, string(answer.Body()))
	// Output:
	// 200 {"status":"success"}
	// 200 {"status":"error","code":"signature_error","message":"Неверная подпись уведомления"}
}

func handle(body []byte, header http.Header, key string) invoicebox.Answer {
	if err := invoicebox.VerifySignature(body, header, key); err != nil {
		return invoicebox.AnswerFor(err)
	}
	n, err := invoicebox.ParseNotification(body)
	if err != nil {
		return invoicebox.AnswerFor(err)
	}
	if n.Probe {
		return invoicebox.Success()
	}
	// The core stores the raw notification under n.DedupKey, then processes it:
	// a different amount → ErrAmountMismatch, unknown order → ErrOrderUnknown, …
	return invoicebox.AnswerFor(nil)
}
