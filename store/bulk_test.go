package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/store"
	"b24pay/store/storetest"
)

type bulkRow struct {
	ID        int64
	Name      string
	N         int
	Ok        bool
	At        *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time `gorm:"autoUpdateTime:false"`
}

func (bulkRow) TableName() string { return "bulk_rows" }

func createBulkRows(t *testing.T, db *store.DB) {
	t.Helper()
	ts := "TIMESTAMPTZ"
	if db.Dialect == store.SQLite {
		ts = "DATETIME"
	}
	require.NoError(t, db.Exec(`CREATE TABLE bulk_rows (id BIGINT PRIMARY KEY, name TEXT NOT NULL,
		n INTEGER NOT NULL, ok BOOLEAN NOT NULL, at `+ts+`, created_at `+ts+` NOT NULL, updated_at `+ts+` NOT NULL)`).Error)
}

// UpdateRows writes every column but the key and created_at of each row, whatever its type
// (text, integer, boolean, NULL and non-NULL timestamps), in chunks under the parameter limit, and
// skips rows that do not exist; or only the named columns.
func TestUpdateRowsWritesEveryColumnByKey(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		createBulkRows(t, db)
		t0 := time.Date(2027, 2, 15, 6, 0, 0, 0, time.UTC)
		const n = 5000 // more than one statement's worth of rows on both databases
		rows := make([]bulkRow, n)
		for i := range rows {
			rows[i] = bulkRow{ID: int64(i + 1), Name: "old", N: i, At: &t0, CreatedAt: t0, UpdatedAt: t0}
		}
		require.NoError(t, db.CreateInBatches(rows, 1000).Error)

		t1 := t0.Add(time.Hour)
		for i := range rows {
			rows[i].Name, rows[i].N, rows[i].Ok, rows[i].UpdatedAt = "new", -i, true, t1
			rows[i].CreatedAt = t1 // never written
			if i%2 == 0 {
				rows[i].At = nil
			}
		}
		rows = append(rows, bulkRow{ID: n + 1, Name: "absent", CreatedAt: t1, UpdatedAt: t1})
		require.NoError(t, store.UpdateRows(db.DB, rows))

		require.Error(t, store.UpdateRows(db.DB, rows, "name", "no_such_column"))

		var got []bulkRow
		require.NoError(t, db.Order("id").Find(&got).Error)
		require.Len(t, got, n)
		for i, r := range got {
			require.Equal(t, "new", r.Name)
			require.Equal(t, -i, r.N)
			require.True(t, r.Ok)
			require.True(t, r.CreatedAt.Equal(t0), "created_at is kept")
			require.True(t, r.UpdatedAt.Equal(t1))
			if i%2 == 0 {
				require.Nil(t, r.At)
			} else {
				require.True(t, r.At.Equal(t0))
			}
		}

		// Named columns only: the others keep their values.
		got[0].Name, got[0].N, got[0].UpdatedAt = "named", 7, t0
		require.NoError(t, store.UpdateRows(db.DB, got[:1], "name", "updated_at"))
		var first bulkRow
		require.NoError(t, db.Take(&first, got[0].ID).Error)
		require.Equal(t, "named", first.Name)
		require.Equal(t, 0, first.N)
		require.True(t, first.UpdatedAt.Equal(t0))
	})
}

// UpdateEach changes only the rows whose Where columns hold the change's values (the others, and
// absent rows, are counted out), writes every Set column whatever its type (NULL too), and refuses
// changes that name different or unknown columns without writing anything.
func TestUpdateEachWritesOnlyMatchingRows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		createBulkRows(t, db)
		t0 := time.Date(2027, 2, 15, 6, 0, 0, 0, time.UTC)
		t1 := t0.Add(time.Hour)
		rows := []bulkRow{{ID: 1, Name: "a", At: &t0}, {ID: 2, Name: "b", At: &t0}, {ID: 3, Name: "c", At: &t0}}
		for i := range rows {
			rows[i].CreatedAt, rows[i].UpdatedAt = t0, t0
		}
		require.NoError(t, db.Create(&rows).Error)

		change := func(id int64, from string, n int) store.Change {
			return store.Change{Where: map[string]any{"id": id, "name": from},
				Set: map[string]any{"name": from + "2", "n": n, "ok": true, "at": nil, "updated_at": t1}}
		}
		changes := []store.Change{change(1, "a", 10), change(2, "stale", 20), change(3, "c", 30), change(4, "d", 40)}
		n, err := store.UpdateEach(db.DB, &bulkRow{}, changes)
		require.NoError(t, err)
		require.EqualValues(t, 2, n, "row 2 no longer has its name, row 4 does not exist")

		var got []bulkRow
		require.NoError(t, db.Order("id").Find(&got).Error)
		require.Equal(t, []string{"a2", "b", "c2"}, []string{got[0].Name, got[1].Name, got[2].Name})
		require.Equal(t, []int{10, 0, 30}, []int{got[0].N, got[1].N, got[2].N})
		require.True(t, got[0].Ok)
		require.Nil(t, got[0].At)
		require.True(t, got[0].UpdatedAt.Equal(t1))
		require.False(t, got[1].Ok)
		require.True(t, got[1].At.Equal(t0))

		odd := change(2, "b", 1)
		delete(odd.Set, "ok")
		_, err = store.UpdateEach(db.DB, &bulkRow{}, []store.Change{change(1, "a2", 1), odd})
		require.ErrorContains(t, err, "different columns")
		_, err = store.UpdateEach(db.DB, &bulkRow{}, []store.Change{{Where: map[string]any{"id": 1}, Set: map[string]any{"colour": "red"}}})
		require.ErrorContains(t, err, "no column colour")
		require.NoError(t, db.Order("id").Find(&got).Error)
		require.Equal(t, []string{"a2", "b", "c2"}, []string{got[0].Name, got[1].Name, got[2].Name}, "nothing written")
	})
}
