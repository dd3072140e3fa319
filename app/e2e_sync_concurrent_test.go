package app

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/instalment"
	"b24pay/outbox"
)

// Several outbox workers take sync messages of one schedule at the same moment (a save and a
// re-sync, or two quick edits): each instalment still gets exactly one Bitrix24 item.
func TestConcurrentPushesOfOneScheduleMakeEachItemOnce(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect)
		status, _ := e.install()
		require.Equal(t, http.StatusOK, status)
		token := e.openTab(e.dealID, 2)
		var s scheduleResponse
		require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/schedule", twelveMonths(), &s))
		for range 5 {
			require.NoError(t, outbox.Enqueue(e.db.DB, e.clock.Now(), outbox.Message{Topic: instalment.TopicSyncSchedule,
				MemberID: e.portal.MemberID(), Payload: map[string]int64{"schedule_id": s.Schedule.ID}}))
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				<-start
				for {
					did, err := e.app.outbox.RunOnce(context.Background())
					if err != nil || !did {
						return
					}
				}
			})
		}
		close(start)
		wg.Wait()
		e.drain()
		require.Equal(t, 12, len(e.spaItems()), "one item per instalment")
		require.Equal(t, 12, len(e.portal.Items(e.provisioned().SPAEntityTypeID)), "no orphaned duplicates")
	})
}
