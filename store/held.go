package store

import (
	"reflect"
	"sync"

	"gorm.io/gorm"
)

// Held writes. A caller that makes many small writes in one transaction (the group commit of
// notifications) may hold some of them back and write them together, with one statement instead
// of one each. So that nothing can read around a held write, every other statement run through
// gorm in that transaction first writes what is held: the transaction sees what it would have
// seen had each write run at once, and a held write only ever moves later inside its own
// transaction, never out of it. The holder writes what is left before the transaction commits.

// HeldWriter writes what it holds into tx and forgets it.
type HeldWriter interface {
	WriteHeld(tx *gorm.DB) error
}

type heldEntry struct {
	w       HeldWriter
	writing bool
}

// held maps a transaction's connection (its *sql.Tx) to what is held for it.
var held sync.Map

// Hold makes w the holder of tx's held writes until release is called (before tx ends). A
// connection that cannot be told apart from others (not comparable) gets no holder: HeldBy(tx) is
// nil, and the caller then writes at once.
func Hold(tx *gorm.DB, w HeldWriter) (release func()) {
	pool := tx.Statement.ConnPool
	if pool == nil || !reflect.TypeOf(pool).Comparable() {
		return func() {}
	}
	held.Store(pool, &heldEntry{w: w})
	return func() { held.Delete(pool) }
}

// HeldBy is the holder of tx's held writes, or nil.
func HeldBy(tx *gorm.DB) HeldWriter {
	if e := heldFor(tx.Statement.ConnPool); e != nil {
		return e.w
	}
	return nil
}

func heldFor(pool gorm.ConnPool) *heldEntry {
	if pool == nil || !reflect.TypeOf(pool).Comparable() { // not a key of held (nor a transaction of Hold)
		return nil
	}
	e, _ := held.Load(pool)
	v, _ := e.(*heldEntry)
	return v
}

// writeHeld runs before every statement: it writes what is held for the statement's transaction.
func writeHeld(db *gorm.DB) {
	e := heldFor(db.Statement.ConnPool)
	if e == nil || e.writing || db.Error != nil { // nothing held, or the holder's own statement
		return
	}
	e.writing = true
	defer func() { e.writing = false }()
	if err := e.w.WriteHeld(db.Session(&gorm.Session{NewDB: true})); err != nil {
		_ = db.AddError(err)
	}
}

// registerHeldWrites hooks writeHeld in front of every kind of statement gorm runs.
func registerHeldWrites(g *gorm.DB) error {
	cb := g.Callback()
	for _, err := range []error{
		cb.Create().Before("gorm:create").Register("store:held_writes", writeHeld),
		cb.Query().Before("gorm:query").Register("store:held_writes", writeHeld),
		cb.Update().Before("gorm:update").Register("store:held_writes", writeHeld),
		cb.Delete().Before("gorm:delete").Register("store:held_writes", writeHeld),
		cb.Row().Before("gorm:row").Register("store:held_writes", writeHeld),
		cb.Raw().Before("gorm:raw").Register("store:held_writes", writeHeld),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}
