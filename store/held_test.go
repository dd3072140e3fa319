package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"b24pay/store"
	"b24pay/store/storetest"
)

// heldRename holds back renames of bulk_rows and writes them in one go.
type heldRename struct {
	names  map[int64]string
	writes int
}

func (h *heldRename) WriteHeld(tx *gorm.DB) error {
	names := h.names
	h.names = map[int64]string{}
	if len(names) == 0 {
		return nil
	}
	h.writes++
	for id, name := range names { // statements of the holder itself do not write again
		if err := tx.Exec("UPDATE bulk_rows SET name = ? WHERE id = ?", name, id).Error; err != nil {
			return err
		}
	}
	return nil
}

// A held write is written before the next statement of its own transaction, whatever kind (a
// read, a raw read, an insert, an update, a delete), so nothing in the transaction reads around
// it; statements of other transactions, and of the same one after release, do not write it.
func TestHeldWritesComeBeforeTheTransactionsNextStatement(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		createBulkRows(t, db)
		require.NoError(t, db.Create(&[]bulkRow{{ID: 1, Name: "a"}, {ID: 2, Name: "b"}}).Error)
		name := func(tx *gorm.DB, id int64) string {
			var r bulkRow
			require.NoError(t, tx.Take(&r, id).Error)
			return r.Name
		}
		statements := []struct {
			kind string
			run  func(tx *gorm.DB) error
		}{
			{"query", func(tx *gorm.DB) error { return tx.Take(&bulkRow{}, 1).Error }},
			{"raw", func(tx *gorm.DB) error {
				var s string
				return tx.Raw("SELECT name FROM bulk_rows WHERE id = 1").Scan(&s).Error
			}},
			{"create", func(tx *gorm.DB) error { return tx.Create(&bulkRow{ID: 9, Name: "z"}).Error }},
			{"update", func(tx *gorm.DB) error { return tx.Model(&bulkRow{}).Where("id = 2").Update("n", 5).Error }},
			{"delete", func(tx *gorm.DB) error { return tx.Delete(&bulkRow{}, 9).Error }},
			{"exec", func(tx *gorm.DB) error { return tx.Exec("UPDATE bulk_rows SET n = 6 WHERE id = 2").Error }},
		}
		for _, st := range statements {
			h := &heldRename{names: map[int64]string{}}
			require.NoError(t, db.Transaction(func(tx *gorm.DB) error {
				release := store.Hold(tx, h)
				h.names[1] = "held-" + st.kind
				require.NoError(t, st.run(tx), st.kind)
				require.Equal(t, 1, h.writes, "%s: written before it", st.kind)
				require.Equal(t, "held-"+st.kind, name(tx, 1), st.kind)
				h.names[1] = "late-" + st.kind
				release()
				require.Equal(t, "held-"+st.kind, name(tx, 1), "%s: after release nothing is written for it", st.kind)
				require.Nil(t, store.HeldBy(tx))
				return nil
			}))
			require.Equal(t, 1, h.writes, st.kind)
		}
		require.Equal(t, "held-exec", name(db.DB, 1))

		if db.Dialect != store.Postgres { // SQLite's one connection admits one transaction at a time
			return
		}
		h := &heldRename{names: map[int64]string{1: "other"}}
		require.NoError(t, db.Transaction(func(tx *gorm.DB) error {
			defer store.Hold(tx, h)()
			require.Same(t, h, store.HeldBy(tx))
			require.Equal(t, "held-exec", name(db.DB, 1), "a statement outside the transaction does not write it")
			require.NoError(t, db.Transaction(func(other *gorm.DB) error {
				require.Equal(t, "held-exec", name(other, 1), "nor one of another transaction")
				return nil
			}))
			require.Zero(t, h.writes)
			return nil
		}))
	})
}
