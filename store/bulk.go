package store

import (
	"context"
	"fmt"
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
	args := make([]any, 0, len(rows)*len(fields))
	for r := range rows {
		if r > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		rv := reflect.ValueOf(&rows[r]).Elem()
		for i, f := range fields {
			if i > 0 {
				q.WriteString(", ")
			}
			if postgres { // VALUES parameters are text to PostgreSQL unless cast
				q.WriteString("CAST(? AS " + pgType(f) + ")")
			} else {
				q.WriteByte('?')
			}
			v, _ := f.ValueOf(context.Background(), rv)
			args = append(args, deref(v))
		}
		q.WriteByte(')')
	}
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
