package outbox

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"b24pay/store"
)

// Metrics counts deliveries and exposes the queue's size by status.
type Metrics struct {
	delivered *prometheus.CounterVec
	byStatus  *prometheus.Desc
	db        *store.DB
}

// NewMetrics registers the outbox metrics on reg. A nil *Metrics is valid and records nothing.
func NewMetrics(reg prometheus.Registerer, db *store.DB) *Metrics {
	m := &Metrics{
		delivered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "b24pay_outbox_deliveries_total",
			Help: "Outbox delivery attempts by topic and resulting status (done, pending = will retry, dead).",
		}, []string{"topic", "result"}),
		byStatus: prometheus.NewDesc("b24pay_outbox_messages",
			"Outbox messages currently stored, by status (dead = needs `b24pay outbox retry`).", []string{"status"}, nil),
		db: db,
	}
	reg.MustRegister(m.delivered, m)
	return m
}

func (m *Metrics) observe(topic, result string) {
	if m != nil {
		m.delivered.WithLabelValues(topic, result).Inc()
	}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) { ch <- m.byStatus }

// Collect implements prometheus.Collector by counting rows per status.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var rows []struct {
		Status string
		N      int64
	}
	if err := m.db.WithContext(ctx).Raw("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status").Scan(&rows).Error; err != nil {
		ch <- prometheus.NewInvalidMetric(m.byStatus, err)
		return
	}
	counts := map[string]int64{StatusPending: 0, StatusRunning: 0, StatusDone: 0, StatusDead: 0}
	for _, r := range rows {
		counts[r.Status] = r.N
	}
	for status, n := range counts {
		ch <- prometheus.MustNewConstMetric(m.byStatus, prometheus.GaugeValue, float64(n), status)
	}
}
