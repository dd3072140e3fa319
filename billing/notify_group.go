package billing

import (
	"context"
	"errors"
	"hash/fnv"
	"sync"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"b24pay/outbox"
	"b24pay/store"
)

// Group commit of incoming notifications. Instead of one transaction each, the notifications that
// arrive while a transaction is in flight are stored and settled together in the next one (SQLite
// has one writer and one connection, so they would queue for it anyway; see groupLanes). There
// is no timer: the first notification to find its lane idle leads, the ones arriving meanwhile
// wait; when its transaction committed the leader answers them, hands the lead to the first one
// still waiting and answers its own request. Every request waits until the transaction holding
// its row committed, and answers its own outcome.
//
// Each notification keeps its own fate inside the group: it runs between a SAVEPOINT and its
// RELEASE, a repeat (the provider's key stored already, also by an earlier notification of the
// same group) or a failed settlement is rolled back to the savepoint alone, exactly as its own
// transaction would have been. If the group itself cannot commit, every notification in it is
// stored again in its own transaction (receiveAtOnce), so no answer depends on the failed commit.

// maxGroup bounds the notifications of one transaction (and so the wait of the last one).
const maxGroup = 64

// groupLanes is how many group commits may be in flight at once. SQLite has a single writer: one
// lane. On PostgreSQL two lanes measured fastest on the idle 2-core machine once a group is one
// batch with its status writes held (3 lanes 0.56–0.66 of the baseline, 4 lanes 0.53–0.60, 6
// lanes 0.49–0.51; README, Benchmarks). Notifications of one payment always share a lane.
// Config.NoticeLanes sets another number, -1 none.
func groupLanes(configured int, dialect string) int {
	if configured == 0 && dialect == store.Postgres {
		return 2
	}
	if configured == 0 {
		return 1
	}
	return max(configured, 0)
}

// noticeLane is one sequence of group commits.
type noticeLane struct {
	mu      sync.Mutex
	waiting []*groupedNotice
	leading bool // a leader is taking or committing a group
}

// groupedNotice is a verified notification waiting for the transaction that stores it.
type groupedNotice struct {
	h       txSettler
	row     *Notification
	n       Notice
	outcome Outcome
	err     error     // its part of the group: nil, errRepeat, the settlement's error, or errGroupLost
	wake    chan bool // true: lead the next group; false: its transaction ended
}

// errGroupLost is the answer of a notification whose group ended without telling it (a panic).
var errGroupLost = errors.New("billing: the notification's group commit did not finish")

// receiveGrouped is receiveAtOnce sharing its transaction with the notifications that wait at the
// same time. Notifications of one payment use one lane.
func (s *Service) receiveGrouped(ctx context.Context, h txSettler, row *Notification, n Notice) Outcome {
	l := s.lanes[laneOf(n.PaymentID, len(s.lanes))]
	me := &groupedNotice{h: h, row: row, n: n, err: errGroupLost, wake: make(chan bool, 1)}
	l.mu.Lock()
	l.waiting = append(l.waiting, me)
	lead := !l.leading
	l.leading = true
	l.mu.Unlock()
	if lead || <-me.wake {
		s.leadGroup(ctx, l)
	}
	if me.err == nil || errors.Is(me.err, errRepeat) {
		return s.answerStored(ctx, h, row, n, me.outcome, me.err)
	}
	return OutcomeRetry
}

// leadGroup commits the notifications waiting in l (the leader's own first among them), then hands
// the lead on and wakes them.
func (s *Service) leadGroup(ctx context.Context, l *noticeLane) {
	l.mu.Lock()
	group := l.waiting[:min(len(l.waiting), maxGroup)]
	l.waiting = append([]*groupedNotice(nil), l.waiting[len(group):]...)
	l.mu.Unlock()
	committed := false
	defer func() { // also after a panic: nobody is left waiting for a group that will not come
		if !committed { // and none of them answers what the rolled-back transaction did
			for _, g := range group {
				g.outcome, g.err = "", errGroupLost
			}
		}
		l.mu.Lock()
		if len(l.waiting) > 0 {
			l.waiting[0].wake <- true
		} else {
			l.leading = false
		}
		l.mu.Unlock()
		for _, g := range group[1:] {
			g.wake <- false
		}
	}()
	s.commitGroup(ctx, group)
	committed = true
}

// commitGroup stores and settles a group of notifications in one transaction, each between its own
// savepoint and release; if the transaction fails, each is stored in its own instead. A group of
// one is its own transaction, without savepoint.
func (s *Service) commitGroup(ctx context.Context, group []*groupedNotice) {
	if len(group) == 1 {
		g := group[0]
		g.outcome, g.err = s.receiveAtOnce(ctx, g.h, g.row, g.n), nil
		return
	}
	if s.commitBatched(ctx, group) {
		return
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, g := range group {
			if err := tx.SavePoint("notice").Error; err != nil {
				return err
			}
			g.outcome, g.err = s.settleAndStore(ctx, tx, g.h, g.row, g.n)
			if g.err != nil {
				if err := tx.RollbackTo("notice").Error; err != nil {
					return err
				}
			}
			if g.err != nil && !errors.Is(g.err, errRepeat) {
				s.processingFailed(g.row, g.n, g.err)
				if err := s.storeFailed(tx, g.row, g.n); err != nil {
					return err
				}
			}
			if err := tx.Exec("RELEASE SAVEPOINT notice").Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		return
	}
	s.log.Warn("group commit of notifications failed; storing them one by one", "notifications", len(group), "err", err)
	for _, g := range group {
		g.outcome, g.err = s.receiveAtOnce(ctx, g.h, g.row.unstored(), g.n), nil
	}
}

// errNotBatched rolls back a batched group commit that has to be made notification by notification.
var errNotBatched = errors.New("billing: group not committed in one batch")

// commitBatched is the fast way to commit a group, taken when nothing in it needs a savepoint: it
// reads and locks the group's payments with one statement, settles every notification in turn
// (holding back the payments' status writes and the outbox messages the settlements enqueue), then
// writes the held moves with one UPDATE, stores all the raw rows with one INSERT and the messages
// with another. If a notification turns out to be a repeat (its provider key stored already, which
// the INSERT finds: it stores fewer rows than the group has), a settlement fails, or a held move
// finds its row changed, the whole transaction rolls back and it returns false: the caller commits
// the group the careful way, with a savepoint each, so each notification meets exactly the fate
// it would have met alone. A group with one key twice is not tried at all.
func (s *Service) commitBatched(ctx context.Context, group []*groupedNotice) bool {
	seen := make(map[[2]string]bool, len(group))
	ids := make([]string, len(group))
	for i, g := range group {
		key := [2]string{g.row.Provider, g.n.DedupKey}
		if seen[key] {
			return false
		}
		seen[key] = true
		ids[i] = g.n.PaymentID
	}
	rows := make([]*Notification, len(group))
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		lctx, err := s.prelock(ctx, tx, ids)
		if err != nil {
			return errors.Join(errNotBatched, err)
		}
		dctx, deferred := outbox.Defer(lctx, tx)
		dtx := tx.WithContext(dctx)
		moves := newHeldStatuses()
		defer store.Hold(tx, moves)()
		for i, g := range group {
			outcome, err := g.h.settleIn(dctx, dtx, g.n)
			if err != nil {
				return errors.Join(errNotBatched, err)
			}
			g.outcome = outcome
			rows[i] = g.row
			s.settled(g.row, outcome)
		}
		if err := moves.WriteHeld(tx); err != nil {
			return errors.Join(errNotBatched, err)
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&rows, store.RowsPerStatement(tx, noticeColumns))
		if res.Error != nil || res.RowsAffected != int64(len(rows)) {
			return errors.Join(errNotBatched, res.Error)
		}
		return deferred.Flush(tx)
	})
	if err != nil {
		for _, g := range group {
			g.row.unstored()
			g.outcome = ""
		}
		return false
	}
	for _, g := range group {
		g.err = nil
	}
	return true
}

// noticeColumns is how many values an INSERT of a Notification carries (every column but id).
const noticeColumns = 9

// laneOf spreads payments over n lanes, a payment always on the same one.
func laneOf(paymentID string, n int) int {
	if n == 1 {
		return 0
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(paymentID))
	return int(h.Sum32() % uint32(n))
}
