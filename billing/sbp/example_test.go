package sbp_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"b24pay/billing/sbp"
	"b24pay/billing/sbp/sbpfake"
)

// A payable gets a dynamic QR; the payer pays; polling shows the payment.
func ExampleClient_RegisterQR() {
	bank := sbpfake.New(sbpfake.Config{SBPMerchantID: "MA0000000552", SecretKey: "demo-secret"})
	srv := httptest.NewServer(bank)
	defer srv.Close()
	defer bank.Close()

	client, err := sbp.New(sbp.Config{BaseURL: srv.URL, SBPMerchantID: "MA0000000552", SecretKey: "demo-secret",
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	qr, err := client.RegisterQR(ctx, sbp.RegisterQRInput{
		OrderID: "pay-42", Amount: decimal.RequireFromString("1500.50"),
		Purpose: "Взнос 2 по договору 17", ExpiresAt: time.Now().Add(15 * time.Minute),
	})
	if err != nil {
		panic(err)
	}
	link, _ := sbp.ParseLink(qr.Payload)
	png, _ := sbp.QRPNG(qr.Payload, 256)
	fmt.Println(link.Type == sbp.LinkDynamic, link.Sum, len(png) > 0)

	_, _ = bank.Pay("pay-42", decimal.RequireFromString("1500.50"))
	p, _ := client.PaymentInfo(ctx, qr.ID)
	fmt.Println(p.OrderID, p.Status, p.Amount)
	// Output:
	// true 150050 true
	// pay-42 SUCCESS 1500.5
}

// The webhook handler stores the raw request first, then checks and parses it.
func ExampleParseVerifiedNotification() {
	body := []byte(`{"transactionId":41,"qrId":"AD100004BAL7227F9BNP6KNE007J9B3K","sbpMerchantId":"MA0000000552",` +
		`"merchantId":123,"amount":1500.5,"currency":"RUB","transactionDate":"2026-11-20T12:30:05.123456+03:00",` +
		`"paymentStatus":"SUCCESS","additionalInfo":"","order":"INV-2026-0042","createDate":"2026-11-20T12:29:41+03:00"}`)
	h := http.Header{}
	h.Set(sbp.SignatureHeader, "d339b3b7cd204524f39baf883c233f83f62bb5d049effc3efd4b9ecc55b93f94")

	n, err := sbp.ParseVerifiedNotification(body, h, "demo-secret")
	fmt.Println(err, n.OrderID, n.Status, n.Amount, n.DedupKey)

	_, err = sbp.ParseVerifiedNotification([]byte(strings.Replace(string(body), "1500.5", "15005", 1)), h, "demo-secret")
	fmt.Println(err)
	// Output:
	// <nil> INV-2026-0042 SUCCESS 1500.5 sbp:tx:41:SUCCESS
	// sbp: bad signature
}
