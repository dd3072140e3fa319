package billing

import (
	"context"
	"strconv"
	"time"

	"b24pay/outbox"
)

// Bounds on what is kept of notifications refused before their signature or body could be trusted.
const (
	rejectedKeepBytes = 2048               // of the body and of the headers
	rejectedRetention = 7 * 24 * time.Hour // then they are deleted
)

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// RejectedCount is how many notifications were refused as unsigned or unreadable since start.
func (s *Service) RejectedCount() uint64 { return s.rejected.Load() }

// PurgeRejected deletes refused unsigned or unreadable notifications older than the retention.
// Notifications refused as foreign (signed, kept for review) and all others stay.
func (s *Service) PurgeRejected(ctx context.Context, now time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("status = ? AND result IN ? AND received_at < ?", NoticeRejected,
		[]string{string(OutcomeBadSignature), string(OutcomeMalformed)}, now.Add(-rejectedRetention)).Delete(&Notification{})
	return res.RowsAffected, res.Error
}

// ResumeReceived queues notifications that were stored but never processed (the process stopped
// between storing and answering); run at start so they do not wait for the provider's next retry.
func (s *Service) ResumeReceived(ctx context.Context) (int, error) {
	var ids []int64
	if err := s.db.WithContext(ctx).Model(&Notification{}).Where("status = ?", NoticeReceived).Pluck("id", &ids).Error; err != nil {
		return 0, err
	}
	now := s.clock.Now()
	for _, id := range ids {
		if err := outbox.Enqueue(s.db.WithContext(ctx), now, outbox.Message{Topic: TopicNotification, Payload: id,
			Key: "notification-resume:" + strconv.FormatInt(id, 10)}); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}
