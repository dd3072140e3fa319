package store

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// RowsPerStatement is how many rows of the given number of columns one multi-row statement should
// carry: PostgreSQL takes up to 65 535 parameters; the SQLite driver binds each parameter by
// scanning all of them (quadratic time), so there statements stay at SQLite's classic limit of 999.
func RowsPerStatement(tx *gorm.DB, columns int) int {
	limit := 999
	if tx.Dialector.Name() == Postgres {
		limit = 30000
	}
	return max(1, limit/max(1, columns))
}

// UpdateRows writes the named columns of each row back by primary key, or, with none named,
// every column except the key and created_at (what gorm's Select("*").Omit("id", "created_at").
// Updates does for one row), with one statement for RowsPerStatement rows:
//
//	WITH v (id, a, b) AS (VALUES (…), (…)) UPDATE t SET a = v.a, b = v.b FROM v WHERE t.id = v.id
//
// Rows that no longer exist are skipped, as with Updates.
func UpdateRows[T any](tx *gorm.DB, rows []T, columns ...string) error {
	if len(rows) == 0 {
		return nil
	}
	stmt := &gorm.Statement{DB: tx}
	if err := stmt.Parse(&rows[0]); err != nil {
		return err
	}
	pk := stmt.Schema.PrioritizedPrimaryField
	if pk == nil {
		return fmt.Errorf("store: %s has no primary key", stmt.Schema.Table)
	}
	fields := []*schema.Field{pk}
	for _, f := range stmt.Schema.Fields {
		if f.DBName != "" && f != pk && f.DBName != "created_at" && (len(columns) == 0 || slices.Contains(columns, f.DBName)) {
			fields = append(fields, f)
		}
	}
	if len(columns) > 0 && len(fields) != len(columns)+1 {
		return fmt.Errorf("store: %s lacks one of the columns %v", stmt.Schema.Table, columns)
	}
	per := RowsPerStatement(tx, len(fields))
	for start := 0; start < len(rows); start += per {
		q, args := updateStatement(stmt, fields, rows[start:min(start+per, len(rows))])
		if err := tx.Exec(q, args...).Error; err != nil {
			return err
		}
	}
	return nil
}

func updateStatement[T any](stmt *gorm.Statement, fields []*schema.Field, rows []T) (string, []any) {
	postgres := stmt.DB.Dialector.Name() == Postgres
	table := stmt.Quote(stmt.Schema.Table)
	var q strings.Builder
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = stmt.Quote(f.DBName)
	}
	q.WriteString("WITH v (" + strings.Join(names, ", ") + ") AS (VALUES ")
	args := writeValues(&q, fields, postgres, len(rows), func(r, i int) any {
		v, _ := fields[i].ValueOf(context.Background(), reflect.ValueOf(&rows[r]).Elem())
		return v
	})
	q.WriteString(") UPDATE " + table + " SET ")
	for i, name := range names[1:] {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(name + " = v." + name)
	}
	q.WriteString(" FROM v WHERE " + table + "." + names[0] + " = v." + names[0])
	return q.String(), args
}

// writeValues writes the rows of a VALUES list, (…), (…), one parameter per field (typed on
// PostgreSQL, where VALUES parameters are text unless cast), and returns the arguments value(r, i)
// gives for row r and field i.
func writeValues(q *strings.Builder, fields []*schema.Field, postgres bool, rows int, value func(r, i int) any) []any {
	args := make([]any, 0, rows*len(fields))
	for r := range rows {
		if r > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for i, f := range fields {
			if i > 0 {
				q.WriteString(", ")
			}
			if postgres {
				q.WriteString("CAST(? AS " + pgType(f) + ")")
			} else {
				q.WriteByte('?')
			}
			args = append(args, deref(value(r, i)))
		}
		q.WriteByte(')')
	}
	return args
}

func pgType(f *schema.Field) string {
	switch f.DataType {
	case schema.Bool:
		return "boolean"
	case schema.Int, schema.Uint:
		return "bigint"
	case schema.Float:
		return "double precision"
	case schema.Time:
		return "timestamptz"
	case schema.Bytes:
		return "bytea"
	}
	return "text"
}

// deref turns a nil pointer into NULL and any other pointer into its value.
func deref(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer {
		return v
	}
	if rv.IsNil() {
		return nil
	}
	return rv.Elem().Interface()
}

// Change is one row's UPDATE: the Set columns of the row whose Where columns hold those values.
type Change struct {
	Where, Set map[string]any
}

// UpdateEach runs changes (all naming the same columns) on model's table with one statement per
// RowsPerStatement rows and returns how many rows they changed:
//
//	WITH v (w_id, w_status, s_status) AS (VALUES (…), (…))
//	UPDATE t SET status = v.s_status FROM v WHERE t.id = v.w_id AND t.status = v.w_status
//
// Two changes of one row in one call are not ordered: run them in two calls.
func UpdateEach(tx *gorm.DB, model any, changes []Change) (int64, error) {
	if len(changes) == 0 {
		return 0, nil
	}
	stmt := &gorm.Statement{DB: tx}
	if err := stmt.Parse(model); err != nil {
		return 0, err
	}
	where, set := slices.Sorted(maps.Keys(changes[0].Where)), slices.Sorted(maps.Keys(changes[0].Set))
	var fields []*schema.Field
	for _, col := range slices.Concat(where, set) {
		f := stmt.Schema.LookUpField(col)
		if f == nil {
			return 0, fmt.Errorf("store: %s has no column %s", stmt.Schema.Table, col)
		}
		fields = append(fields, f)
	}
	for _, c := range changes {
		if !sameKeys(c.Where, where) || !sameKeys(c.Set, set) {
			return 0, fmt.Errorf("store: changes of %s name different columns", stmt.Schema.Table)
		}
	}
	var changed int64
	per := RowsPerStatement(tx, len(fields))
	for start := 0; start < len(changes); start += per {
		q, args := changeStatement(stmt, fields, where, set, changes[start:min(start+per, len(changes))])
		res := tx.Exec(q, args...)
		if res.Error != nil {
			return changed, res.Error
		}
		changed += res.RowsAffected
	}
	return changed, nil
}

func sameKeys(m map[string]any, keys []string) bool {
	if len(m) != len(keys) {
		return false
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

func changeStatement(stmt *gorm.Statement, fields []*schema.Field, where, set []string, changes []Change) (string, []any) {
	postgres := stmt.DB.Dialector.Name() == Postgres
	table := stmt.Quote(stmt.Schema.Table)
	names := make([]string, 0, len(fields))
	for _, col := range where {
		names = append(names, stmt.Quote("w_"+col))
	}
	for _, col := range set {
		names = append(names, stmt.Quote("s_"+col))
	}
	var q strings.Builder
	q.WriteString("WITH v (" + strings.Join(names, ", ") + ") AS (VALUES ")
	args := writeValues(&q, fields, postgres, len(changes), func(r, i int) any {
		if i < len(where) {
			return changes[r].Where[where[i]]
		}
		return changes[r].Set[set[i-len(where)]]
	})
	q.WriteString(") UPDATE " + table + " SET ")
	for i, col := range set {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(stmt.Quote(col) + " = v." + stmt.Quote("s_"+col))
	}
	q.WriteString(" FROM v WHERE ")
	for i, col := range where {
		if i > 0 {
			q.WriteString(" AND ")
		}
		q.WriteString(table + "." + stmt.Quote(col) + " = v." + stmt.Quote("w_"+col))
	}
	return q.String(), args
}
