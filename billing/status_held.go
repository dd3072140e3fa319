package billing

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"b24pay/store"
)

// heldStatuses holds back the status writes of payments in a group commit's transaction (see
// store.Hold) and writes them with one statement per set of columns: on PostgreSQL a round trip
// each is most of what settling a notification costs once its payment was prelocked. Every move
// was checked against the state machine by transition before it was held, and is written only if
// the row still has the status it was read with, as writeStatus does; if any row no longer has
// it, the write fails (and with it the group's batch, which is then made notification by
// notification). A second write of a payment is not held: the first is written before it.
type heldStatuses struct {
	changes []store.Change
	ids     map[string]bool
}

func newHeldStatuses() *heldStatuses { return &heldStatuses{ids: map[string]bool{}} }

// heldStatusesOf is the holder of tx's payment status writes, or nil.
func heldStatusesOf(tx *gorm.DB) *heldStatuses {
	h, _ := store.HeldBy(tx).(*heldStatuses)
	return h
}

// hold keeps a payment's checked move back, unless it cannot be written in a batch.
func (h *heldStatuses) hold(id, from string, updates map[string]any) bool {
	if h == nil || h.ids[id] {
		return false
	}
	for _, v := range updates {
		if _, ok := v.(clause.Expression); ok {
			return false
		}
	}
	h.ids[id] = true
	h.changes = append(h.changes, store.Change{Where: map[string]any{"id": id, "status": from}, Set: updates})
	return true
}

// WriteHeld writes the held moves, one statement per set of columns.
func (h *heldStatuses) WriteHeld(tx *gorm.DB) error {
	changes := h.changes
	h.changes, h.ids = nil, map[string]bool{}
	bySet := map[string][]store.Change{}
	for _, c := range changes {
		key := strings.Join(slices.Sorted(maps.Keys(c.Set)), ",")
		bySet[key] = append(bySet[key], c)
	}
	for _, key := range slices.Sorted(maps.Keys(bySet)) {
		n, err := store.UpdateEach(tx, &Payment{}, bySet[key])
		if err != nil {
			return err
		}
		if n != int64(len(bySet[key])) {
			return fmt.Errorf("billing: %d of %d held payment moves found their row changed under its lock", int64(len(bySet[key]))-n, len(bySet[key]))
		}
	}
	return nil
}
