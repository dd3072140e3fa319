package bitrix_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"b24pay/bitrix"
)

// updateCount is how many item updates each benchmark pushes.
const updateCount = 2000

// benchPortal seeds updateCount smart invoices and returns a client whose
// bucket equals the portal's.
func benchPortal(b *testing.B, rate float64, burst int) (*fakeBundle, *bitrix.Client, []int) {
	f := setupFake(b, rate, burst)
	f.cfg.Burst = burst
	ids := make([]int, updateCount)
	for i := range ids {
		ids[i] = addItem(b, f.portal, 31, map[string]any{"title": fmt.Sprint("Счёт ", i)})
	}
	return f, f.client(b), ids
}

// reportCeiling reports the throughput as a share of what the portal's
// bucket (rate and burst equal to the client's here) admits for the
// requests it accepted: burst at once, then rate/s. Requests it rejected
// with 503 (retried by the client) are reported separately.
func reportCeiling(b *testing.B, f *fakeBundle, requests int, elapsed time.Duration) {
	accepted := requests - f.portal.Rejected503()
	ideal := time.Duration(float64(max(accepted-f.cfg.Burst, 0)) / f.cfg.Rate * float64(time.Second))
	b.ReportMetric(100*ideal.Seconds()/elapsed.Seconds(), "%ceiling")
	b.ReportMetric(float64(updateCount)/elapsed.Seconds(), "updates/s")
	b.ReportMetric(float64(requests)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(f.portal.Rejected503()), "503s")
}

// BenchmarkItemUpdatesBatched: 2 000 updates as 40 batches of 50 through a
// 20 req/s, burst 5 bucket (ceiling: 1 000 updates/s).
func BenchmarkItemUpdatesBatched(b *testing.B) {
	for range b.N {
		f, c, ids := benchPortal(b, 20, 5)
		cmds := make([]bitrix.Command, len(ids))
		for i, id := range ids {
			cmds[i] = bitrix.ItemUpdateCommand(fmt.Sprint("u", i), 31, bitrix.ID(id), map[string]any{"opportunity": i})
		}
		chunks := make(chan []bitrix.Command, len(cmds)/bitrix.MaxBatchCommands+1)
		for s := 0; s < len(cmds); s += bitrix.MaxBatchCommands {
			chunks <- cmds[s:min(s+bitrix.MaxBatchCommands, len(cmds))]
		}
		close(chunks)
		start := time.Now()
		run(b, 4, func() error {
			for chunk := range chunks {
				if _, err := c.BatchChunked(context.Background(), chunk); err != nil {
					return err
				}
			}
			return nil
		})
		reportCeiling(b, f, f.portal.Requests("batch"), time.Since(start))
	}
}

// BenchmarkItemUpdatesSingle: 2 000 single crm.item.update calls through a
// 200 req/s, burst 50 bucket (ideal 9.75 s).
func BenchmarkItemUpdatesSingle(b *testing.B) {
	for range b.N {
		f, c, ids := benchPortal(b, 200, 50)
		work := make(chan int, len(ids))
		for _, id := range ids {
			work <- id
		}
		close(work)
		start := time.Now()
		run(b, 16, func() error {
			for id := range work {
				if _, err := c.ItemUpdate(context.Background(), 31, bitrix.ID(id), map[string]any{"opportunity": id}); err != nil {
					return err
				}
			}
			return nil
		})
		reportCeiling(b, f, f.portal.Requests("crm.item.update"), time.Since(start))
	}
}

func run(b *testing.B, workers int, fn func() error) {
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			if err := fn(); err != nil {
				b.Error(err)
			}
		})
	}
	wg.Wait()
}
