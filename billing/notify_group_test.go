package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/store"
	"b24pay/store/storetest"
)

// Issue 12: notifications that arrive while a transaction is in flight are stored together (group
// commit), each answered as its own transaction would have been.

const failingPayable = 142 // its booking always fails

// burstDelivery is one notification of a concurrent burst and the answer it must get.
type burstDelivery struct {
	body []byte
	key  string
	want Outcome
}

// burst opens the payments and returns 50 deliveries: the first pays payment 0 on its own, then 40
// distinct payments paid (three of them delivered three times), an unknown payment, one in another
// currency, and a payment whose booking fails (delivered twice).
func burst(t *testing.T, b *testBundle) []burstDelivery {
	t.Helper()
	var ds []burstDelivery
	add := func(paymentID, currency, key string, want Outcome) {
		body, _ := json.Marshal(map[string]string{"PaymentID": paymentID, "Status": StatusSucceeded, "Amount": "10000",
			"Currency": currency, "Key": key})
		ds = append(ds, burstDelivery{body: body, key: key, want: want})
	}
	ids := make([]string, 40)
	for i := range ids {
		ids[i] = b.newPayment(t, int64(100+i)).ID
		add(ids[i], "RUB", fmt.Sprintf("k-%d", i), OutcomeOK)
	}
	for i := range 3 {
		add(ids[i], "RUB", fmt.Sprintf("k-%d", i), OutcomeOK)
		add(ids[i], "RUB", fmt.Sprintf("k-%d", i), OutcomeOK)
	}
	add("no-such-payment", "RUB", "k-unknown", OutcomeUnknownPayment)
	add(b.newPayment(t, 140).ID, "USD", "k-usd", OutcomeForeign)
	failing := b.newPayment(t, failingPayable).ID
	add(failing, "RUB", "k-fail", OutcomeRetry)
	add(failing, "RUB", "k-fail", OutcomeRetry)
	require.Len(t, ds, 50)
	return ds
}

// deliver sends the first delivery, and once it is being booked (held there) all the others at
// once; with a group lane it waits until they all queue behind the first, then lets it go on.
// Every odd delivery's request is cancelled before it is sent. It returns each delivery's answer and
// counts in answered those of the deliveries after the first.
func deliver(t *testing.T, b *testBundle, hold *gate, ds []burstDelivery, answered *atomic.Int32) []Outcome {
	t.Helper()
	outcomes := make([]Outcome, len(ds))
	var wg sync.WaitGroup
	send := func(i int) {
		wg.Go(func() {
			ctx, cancel := context.WithCancel(context.Background())
			if i%2 == 1 {
				cancel()
			}
			defer cancel()
			outcomes[i] = b.svc.Receive(ctx, "stub", http.Header{"X-Ok": {"1"}}, ds[i].body)
			if i > 0 {
				answered.Add(1)
			}
		})
	}
	send(0)
	<-hold.entered
	for i := 1; i < len(ds); i++ {
		send(i)
	}
	if len(b.svc.lanes) > 0 {
		b.waitQueued(len(ds) - 1)
	}
	close(hold.release)
	wg.Wait()
	return outcomes
}

// waitQueued spins until n notifications wait in the (single) group lane.
func (b *testBundle) waitQueued(n int) {
	l := b.svc.lanes[0]
	for {
		l.mu.Lock()
		k := len(l.waiting)
		l.mu.Unlock()
		if k >= n {
			return
		}
		runtime.Gosched()
	}
}

// groupBundle is setup with a ledger that holds the first booking and fails failingPayable's, and
// notifications grouped in one lane (lanes 1) or each in its own transaction (lanes -1).
func groupBundle(t *testing.T, db *store.DB, lanes int) (*testBundle, *gate, *dbCounts) {
	t.Helper()
	hold := newGate()
	return laned(t, db, lanes, ledger{currency: "RUB", outstanding: 10_000_00, failPayable: failingPayable, hold: hold}),
		hold, &dbCounts{}
}

// laned is setup with the given number of group commit lanes.
func laned(t *testing.T, db *store.DB, lanes int, l ledger) *testBundle {
	t.Helper()
	b := setup(t, db, l)
	b.svc = NewService(db, b.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), l,
		Config{PublicURL: "https://app.example", NoticeLanes: lanes}, b.prov)
	return b
}

// requireBurstBooked checks what a burst left: every answer as wanted, every distinct notification
// stored once, each payment booked once, the failing one kept for retry.
func requireBurstBooked(t *testing.T, b *testBundle, ds []burstDelivery, outcomes []Outcome) {
	t.Helper()
	for i, d := range ds {
		require.Equal(t, d.want, outcomes[i], "delivery %d (%s)", i, d.key)
	}
	var rows int64
	require.NoError(t, b.db.Model(&Notification{}).Count(&rows).Error)
	require.EqualValues(t, 43, rows, "one row per provider key: none lost, none twice")
	for i := range 40 {
		require.EqualValues(t, 10_000_00, b.booked(t, int64(100+i)), "payment %d booked once", i)
		require.Equal(t, NoticeProcessed, b.notice(t, fmt.Sprintf("k-%d", i)).Status)
	}
	require.Zero(t, b.booked(t, 140))
	require.Equal(t, string(OutcomeForeign), b.notice(t, "k-usd").Result)
	require.Equal(t, string(OutcomeUnknownPayment), b.notice(t, "k-unknown").Result)
	require.Zero(t, b.booked(t, failingPayable))
	failed := b.notice(t, "k-fail")
	require.Equal(t, NoticeFailed, failed.Status)
	var retries int64
	require.NoError(t, b.db.Table("outbox").Where("topic = ? AND dedup_key = ?", TopicNotification, "notification:k-fail").
		Count(&retries).Error)
	require.EqualValues(t, 1, retries, "the failed notification is retried by the outbox")
}

// 50 concurrent notifications, distinct and repeated, one failing, answer the same grouped as each
// in its own transaction; grouped, the 49 that waited behind the first share one transaction (each
// in its own was 49 commits).
func TestGroupedNotificationsAnswerAsAlone(t *testing.T) {
	t.Parallel()
	for _, lanes := range []int{-1, 1} {
		t.Run(fmt.Sprintf("lanes=%d", lanes), func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				b, hold, n := groupBundle(t, db, lanes)
				ds := burst(t, b)
				b.svc.db = counted(db, n)
				outcomes := deliver(t, b, hold, ds, &atomic.Int32{})
				requireBurstBooked(t, b, ds, outcomes)
				if lanes > 0 {
					require.EqualValues(t, 2, n.committed.Load(), "the first alone, the 49 waiting behind it together")
				}
			})
		})
	}
}

// A group that cannot commit is stored again one notification per transaction: nothing is lost
// and every answer is the one its own transaction gives.
func TestGroupThatFailsToCommitIsStoredOneByOne(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b, hold, n := groupBundle(t, db, 1)
		ds := burst(t, b)
		var commits atomic.Int32
		n.failCommit = func() error {
			if commits.Add(1) == 2 { // the group's
				return errors.New("disk I/O error")
			}
			return nil
		}
		b.svc.db = counted(db, n)
		outcomes := deliver(t, b, hold, ds, &atomic.Int32{})
		requireBurstBooked(t, b, ds, outcomes)
		require.Greater(t, n.committed.Load(), int64(40), "stored one by one")
	})
}

// A crash before the group commits (the database takes no more commits, as if the process died
// there) leaves no request answered before the commit and none answered "ok" for a row that is not
// stored; requests cancelled by their sender change nothing.
func TestNoNotificationIsAnsweredBeforeItsGroupCommits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b, hold, n := groupBundle(t, db, 1)
		ds := burst(t, b)
		var answered atomic.Int32
		var commits atomic.Int32
		var answeredAtCommit int32
		n.failCommit = func() error {
			switch commits.Add(1) {
			case 1: // the first notification, alone
				return nil
			case 2: // the group: every notification in it is still waiting for its answer
				answeredAtCommit = answered.Load()
			}
			return errors.New("database gone")
		}
		b.svc.db = counted(db, n)
		outcomes := deliver(t, b, hold, ds, &answered)
		require.Zero(t, answeredAtCommit, "no answer before the group's commit")
		ok := 0
		for i, o := range outcomes {
			if o != OutcomeOK {
				require.Equal(t, OutcomeRetry, o, "delivery %d", i)
				continue
			}
			ok++
			require.Equal(t, "k-0", ds[i].key, "only the first payment's notification is stored")
		}
		require.Equal(t, 3, ok, "the first delivery and its two repeats answer ok: its row is durable")
		var rows int64
		require.NoError(t, b.db.Model(&Notification{}).Count(&rows).Error)
		require.EqualValues(t, 1, rows)
		require.Equal(t, NoticeProcessed, b.notice(t, "k-0").Status)
		require.EqualValues(t, 10_000_00, b.booked(t, 100))
		require.Zero(t, b.booked(t, 101))
	})
}

// A panic while a group is stored (a bug in a booking) rolls the group back: whoever leads it
// panics, nobody in it is answered ok, nothing of it is stored, and the lane goes on.
func TestPanicInAGroupAnswersNobodyOk(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hold := newGate()
		b := laned(t, db, 1, ledger{currency: "RUB", outstanding: 10_000_00, panicPayable: 205, hold: hold})
		var ds []burstDelivery
		for i := range 6 {
			key := fmt.Sprintf("p-%d", i)
			body, _ := json.Marshal(map[string]string{"PaymentID": b.newPayment(t, int64(200+i)).ID,
				"Status": StatusSucceeded, "Amount": "10000", "Key": key})
			ds = append(ds, burstDelivery{body: body, key: key})
		}
		outcomes := make([]Outcome, len(ds))
		panicked := make([]bool, len(ds))
		var wg sync.WaitGroup
		send := func(i int) {
			wg.Go(func() {
				defer func() { panicked[i] = recover() != nil }()
				outcomes[i] = b.svc.Receive(context.Background(), "stub", http.Header{"X-Ok": {"1"}}, ds[i].body)
			})
		}
		send(0)
		<-hold.entered
		for i := 1; i < len(ds); i++ {
			send(i)
		}
		b.waitQueued(len(ds) - 1)
		close(hold.release)
		wg.Wait()

		require.Equal(t, OutcomeOK, outcomes[0], "the first, alone, is stored")
		leaders := 0
		for i := 1; i < len(ds); i++ {
			if panicked[i] {
				leaders++
				continue
			}
			require.Equal(t, OutcomeRetry, outcomes[i], "delivery %d", i)
		}
		require.Equal(t, 1, leaders, "the group's leader panics")
		var rows int64
		require.NoError(t, b.db.Model(&Notification{}).Count(&rows).Error)
		require.EqualValues(t, 1, rows, "nothing of the group is stored")
		for i := 1; i < 5; i++ {
			require.Zero(t, b.booked(t, int64(200+i)))
		}
		require.Equal(t, OutcomeOK, b.svc.Receive(context.Background(), "stub", http.Header{"X-Ok": {"1"}}, ds[1].body),
			"the lane takes the redelivery")
		require.EqualValues(t, 10_000_00, b.booked(t, 201))
	})
}
