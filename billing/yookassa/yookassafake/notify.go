package yookassafake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"
)

// notify posts each notification to the configured URL in the background, redelivering until
// HTTP 200 or the retries run out (§c.6: anything else → redelivery).
func (s *Shop) notify(notes []notification) {
	if s.cfg.NotificationURL == "" {
		return
	}
	for _, n := range notes {
		s.deliveries.Add(1)
		go func() {
			defer s.deliveries.Done()
			s.deliver(n)
		}()
	}
}

func (s *Shop) deliver(n notification) {
	body := encode(n)
	var ref struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(n.Object.(json.RawMessage), &ref)
	for attempt := 0; ; attempt++ {
		status := s.post1(body)
		s.mu.Lock()
		s.delivered = append(s.delivered, Delivery{Event: n.Event, Object: ref.ID, Status: status})
		s.mu.Unlock()
		if status == http.StatusOK || attempt >= len(s.cfg.RetryDelays) {
			return
		}
		time.Sleep(s.cfg.RetryDelays[attempt])
	}
}

func (s *Shop) post1(body []byte) int {
	resp, err := s.cfg.HTTPClient.Post(s.cfg.NotificationURL, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	return resp.StatusCode
}

// Deliveries lists notification attempts so far, in order.
func (s *Shop) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.delivered...)
}
