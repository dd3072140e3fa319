package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"b24pay/bench"
	"b24pay/billing"
	"b24pay/billing/invoicebox"
	"b24pay/billing/invoicebox/invoiceboxfake"
	"b24pay/store"
	"b24pay/store/storetest"
)

// Webhook benchmarks: 10 000 signed Invoicebox "completed" notifications, 50 at a time over real
// HTTP, each for its own pending payment of a Bitrix24 Sales Center payment (the success path: the
// raw row, the payment settled, an outbox message for Bitrix24). The baseline is a bare gin handler
// doing one INSERT of the same raw row into the same table of the same database. Both report req/s,
// the 99th percentile latency, how many notifications were lost (not stored, or not answered
// "success") and the process's CPU time per request (server, database driver and HTTP clients: on
// SQLite the whole cost, on PostgreSQL without the server's); run them back to back, as
// bench/run.sh does, since the machine's load moves both.
const (
	webhookCount       = 10000
	webhookConcurrency = 50
	benchMerchantID    = invoiceboxfake.DemoMerchantID
)

func BenchmarkWebhookIngest(b *testing.B) {
	eachBenchDialect(b, func(b *testing.B, dialect string) {
		e := newE2E(b, dialect, withInvoicebox(b))
		runWebhooks(b, e.db, e.app.Router(), func(round int) {
			seedPayments(b, e.db, round)
		})
	})
}

func BenchmarkWebhookBaseline(b *testing.B) {
	eachBenchDialect(b, func(b *testing.B, dialect string) {
		db := storetest.New(b, dialect)
		gin.SetMode(gin.ReleaseMode)
		r := gin.New()
		r.POST("/webhooks/invoicebox", func(c *gin.Context) {
			body, _ := io.ReadAll(c.Request.Body)
			key := c.GetHeader("X-Signature")
			row := billing.Notification{Provider: "invoicebox", DedupKey: &key, Headers: "{}", Body: string(body),
				Status: billing.NoticeReceived, ReceivedAt: time.Now()}
			if err := db.WithContext(c.Request.Context()).Create(&row).Error; err != nil {
				c.Status(http.StatusInternalServerError)
				return
			}
			c.Data(http.StatusOK, invoicebox.ContentType, invoicebox.Success().Body())
		})
		runWebhooks(b, db, r, func(int) {})
	})
}

func eachBenchDialect(b *testing.B, fn func(b *testing.B, dialect string)) {
	dialects := []string{store.SQLite}
	if os.Getenv(storetest.EnvPostgresURL) != "" {
		dialects = append(dialects, store.Postgres)
	}
	for _, d := range dialects {
		b.Run(d, func(b *testing.B) { fn(b, d) })
	}
}

// seedPayments stores the pending payments one round of notifications pays.
func seedPayments(b *testing.B, db *store.DB, round int) {
	now := time.Now().UTC()
	rows := make([]billing.Payment, webhookCount)
	for i := range rows {
		id := paymentID(round, i)
		rows[i] = billing.Payment{ID: id, MemberID: "a1b2c3d4e5f6", PayableKind: b24PaymentKind, PayableID: int64(round*webhookCount + i),
			Provider: "invoicebox", AmountMinor: 150000, Currency: "RUB", Status: billing.StatusPending, PayToken: id,
			CreatedAt: now, UpdatedAt: now}
	}
	if err := db.CreateInBatches(rows, 500).Error; err != nil {
		b.Fatal(err)
	}
}

func paymentID(round, i int) string { return fmt.Sprintf("bench-%d-%d", round, i) }

func notification(round, i int) []byte {
	return fmt.Appendf(nil, `{"id":"ib-%d-%d","status":"completed","merchantId":"%s","merchantOrderId":"%s",`+
		`"amount":1500.00,"currencyId":"RUB","createdAt":"2026-11-22T09:00:00+03:00","paidAt":"2026-11-22T09:01:00+03:00"}`,
		round, i, benchMerchantID, paymentID(round, i))
}

// runWebhooks posts the notifications of each round with webhookConcurrency clients.
func runWebhooks(b *testing.B, db *store.DB, h http.Handler, seed func(round int)) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: webhookConcurrency, MaxConnsPerHost: webhookConcurrency}}
	var latencies []time.Duration
	var elapsed, cpu time.Duration
	lost := 0
	for round := range b.N {
		b.StopTimer()
		seed(round)
		bodies := make([][]byte, webhookCount)
		for i := range bodies {
			bodies[i] = notification(round, i)
		}
		b.StartTimer()
		start, cpuStart := time.Now(), bench.CPUTime()
		l, failed := post(client, srv.URL+"/webhooks/invoicebox", bodies)
		elapsed += time.Since(start)
		cpu += bench.CPUTime() - cpuStart
		latencies = append(latencies, l...)
		lost += failed
	}
	b.StopTimer()
	var stored int64
	if err := db.Table("payment_notifications").Count(&stored).Error; err != nil {
		b.Fatal(err)
	}
	lost += webhookCount*b.N - int(stored)
	slices.Sort(latencies)
	b.ReportMetric(float64(webhookCount*b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lost), "lost")
	b.ReportMetric(float64(cpu.Microseconds())/float64(webhookCount*b.N), "cpu-µs/req")
	b.ReportMetric(bench.PeakRSSMB(), "peak-rss-MB")
}

// post sends every body once from webhookConcurrency goroutines; it returns each request's latency
// and how many were not answered "success".
func post(client *http.Client, url string, bodies [][]byte) ([]time.Duration, int) {
	latencies := make([]time.Duration, len(bodies))
	failed := make([]bool, len(bodies))
	next := make(chan int)
	var wg sync.WaitGroup
	for range webhookConcurrency {
		wg.Go(func() {
			for i := range next {
				req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, url, bytes.NewReader(bodies[i]))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Signature", invoicebox.Sign(bodies[i], "notify-key"))
				start := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed[i] = true
					continue
				}
				answer, _ := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				latencies[i] = time.Since(start)
				failed[i] = resp.StatusCode != http.StatusOK || !strings.Contains(string(answer), `"success"`)
			}
		})
	}
	for i := range bodies {
		next <- i
	}
	close(next)
	wg.Wait()
	n := 0
	for _, f := range failed {
		if f {
			n++
		}
	}
	return latencies, n
}
