// Package outbox makes side effects durable: a caller enqueues a message in the same database
// transaction as the change that causes it, and a worker delivers it to the topic's handler,
// retrying with exponential backoff and jitter until it succeeds or is dead-lettered.
package outbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"b24pay/store"
)

// Row statuses.
const (
	StatusPending = "pending"
	StatusRunning = "running"
	StatusDone    = "done"
	StatusDead    = "dead"
)

// Lane says how urgent a message is: workers take interactive messages before bulk ones, and some
// workers take only interactive ones, so a push from the tab never waits behind a re-sync.
type Lane int

// Lanes.
const (
	LaneInteractive Lane = 0 // default: a person is waiting for it
	LaneBulk        Lane = 1 // events, re-syncs, anything that comes by the thousand
)

// DefaultMaxAttempts is how many deliveries a message gets before it is dead.
const DefaultMaxAttempts = 12

// Row is one stored message.
type Row struct {
	ID          int64
	MemberID    string
	Topic       string
	DedupKey    *string
	Payload     string
	Status      string
	Lane        Lane
	Attempts    int
	MaxAttempts int
	RunAt       time.Time
	LeaseUntil  *time.Time
	LeasedBy    string
	LastError   string
	CreatedAt   time.Time
	UpdatedAt   time.Time `gorm:"autoUpdateTime:false"`
	DoneAt      *time.Time
}

// TableName maps Row to its table.
func (Row) TableName() string { return "outbox" }

// Message is what a caller asks to be delivered.
type Message struct {
	Topic       string
	MemberID    string    // the portal the effect belongs to, for listing and scoping
	Key         string    // optional: a second message with the same key is ignored
	Payload     any       // marshalled to JSON
	RunAt       time.Time // zero: now
	MaxAttempts int       // zero: DefaultMaxAttempts
	Lane        Lane      // zero: LaneInteractive
}

// ErrNoTopic is returned for a message without a topic.
var ErrNoTopic = errors.New("outbox: message has no topic")

// Enqueue stores msg using tx, which should be the caller's open transaction so the message
// commits or rolls back with the change that caused it. A duplicate Key is silently ignored.
func Enqueue(tx *gorm.DB, now time.Time, msg Message) error { return EnqueueAll(tx, now, msg) }

// EnqueueAll stores msgs as Enqueue does, with as few INSERTs as the database allows.
func EnqueueAll(tx *gorm.DB, now time.Time, msgs ...Message) error {
	if len(msgs) == 0 {
		return nil
	}
	rows := make([]Row, len(msgs))
	for i, msg := range msgs {
		var err error
		if rows[i], err = newRow(now, msg); err != nil {
			return err
		}
	}
	if d := deferredFor(tx); d != nil {
		d.rows = append(d.rows, rows...)
		return nil
	}
	return insertRows(tx, rows)
}

func insertRows(tx *gorm.DB, rows []Row) error {
	return tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&rows, store.RowsPerStatement(tx, rowColumns)).Error
}

// rowColumns is how many values an INSERT of a Row carries (every column but id).
const rowColumns = 15

func newRow(now time.Time, msg Message) (Row, error) {
	if msg.Topic == "" {
		return Row{}, ErrNoTopic
	}
	payload, err := json.Marshal(msg.Payload)
	if err != nil {
		return Row{}, fmt.Errorf("outbox: marshal %s payload: %w", msg.Topic, err)
	}
	row := Row{
		MemberID: msg.MemberID, Topic: msg.Topic, Payload: string(payload),
		Status: StatusPending, Lane: msg.Lane, MaxAttempts: msg.MaxAttempts, RunAt: msg.RunAt.UTC(),
		CreatedAt: now.UTC(), UpdatedAt: now.UTC(),
	}
	if msg.Key != "" {
		row.DedupKey = &msg.Key
	}
	if row.MaxAttempts <= 0 {
		row.MaxAttempts = DefaultMaxAttempts
	}
	if msg.RunAt.IsZero() {
		row.RunAt = now.UTC()
	}
	return row, nil
}
