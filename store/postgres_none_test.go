//go:build nopostgres

package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/store"
)

// A binary built with -tags nopostgres (the sandbox's quick start) refuses a PostgreSQL URL with
// a clear error that names the tag, without trying to connect or showing the password.
func TestBuildWithoutPostgresRefusesAPostgresURL(t *testing.T) {
	_, err := store.Open(context.Background(), store.Options{URL: "postgres://app:hunter2@127.0.0.1:1/b24pay"})
	require.ErrorIs(t, err, store.ErrNoPostgres)
	require.Contains(t, err.Error(), "-tags nopostgres")
	require.NotContains(t, err.Error(), "hunter2")
	require.False(t, store.IsUniqueViolation(nil))
}
