package app

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/billing"
	"b24pay/store"
)

// toInt reads an id the fake portal returns as a number or a string.
func toInt(v any) int {
	n, _ := strconv.Atoi(fmt.Sprint(v))
	return n
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ids reads an id list from the fake (numbers or strings).
func ids(v any) []int {
	list, _ := v.([]any)
	out := make([]int, 0, len(list))
	for _, x := range list {
		out = append(out, toInt(x))
	}
	return out
}

// eachDialect runs an end-to-end test on SQLite and on PostgreSQL.
func eachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			fn(t, dialect)
		})
	}
}

func stringsReader(s string) io.Reader { return strings.NewReader(s) }

// livePayments lists the open payments of an instalment (at most one may exist).
func (e *e2e) livePayments(instalmentID int64) []billing.Payment {
	e.t.Helper()
	var out []billing.Payment
	require.NoError(e.t, e.db.Where("payable_kind = 'instalment' AND payable_id = ? AND status IN ?", instalmentID,
		[]string{billing.StatusPending, billing.StatusUnknown}).Find(&out).Error)
	return out
}
