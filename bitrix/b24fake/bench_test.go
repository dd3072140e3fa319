package b24fake_test

import (
	"fmt"
	"testing"
)

// BenchmarkBatchItemUpdate measures the fake's own cost of one batch of 50 crm.item.update
// commands over HTTP (the unit the client pushes through its limiter).
func BenchmarkBatchItemUpdate(b *testing.B) {
	bundle := setup(b)
	for range 50 {
		if _, err := bundle.p.AddItem(31, nil); err != nil {
			b.Fatal(err)
		}
	}
	kv := make([]string, 0, 100)
	for i := range 50 {
		kv = append(kv, fmt.Sprint("u", i), fmt.Sprintf("crm.item.update?entityTypeId=31&id=%d&fields[title]=t%%d", i+1))
	}
	b.ResetTimer()
	for n := range b.N {
		cmds := make([]string, len(kv))
		copy(cmds, kv)
		for i := 1; i < len(cmds); i += 2 {
			cmds[i] = fmt.Sprintf(cmds[i], n)
		}
		r := bundle.call(b, "batch", map[string]any{"cmd": ordered(cmds...)})
		if r.status != 200 {
			b.Fatal(r.raw)
		}
	}
	b.ReportMetric(float64(b.N*50)/b.Elapsed().Seconds(), "updates/s")
}
