package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/outbox"
	"b24pay/store"
)

func TestOutboxListDeadAndRetry(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"B24PAY_DATA_DIR": dir}
	db, err := store.Open(context.Background(), store.Options{DataDir: dir})
	require.NoError(t, err)
	_, err = db.MigrateUp(context.Background())
	require.NoError(t, err)
	now := time.Now().UTC()
	require.NoError(t, outbox.Enqueue(db.DB, now, outbox.Message{Topic: "b24.notify", MemberID: "m1"}))
	require.NoError(t, outbox.Enqueue(db.DB, now, outbox.Message{Topic: "b24.schedule.sync", MemberID: "m1"}))
	require.NoError(t, db.Exec("UPDATE outbox SET status = 'dead', last_error = 'portal said no' WHERE id = 1").Error)
	require.NoError(t, db.Close())

	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"outbox", "list", "--dead"}, envOf(env), &out, &errOut), errOut.String())
	require.Contains(t, out.String(), "portal said no")
	require.Contains(t, out.String(), "b24.notify")
	require.NotContains(t, out.String(), "b24.schedule.sync")

	out.Reset()
	require.Equal(t, 0, run([]string{"outbox", "retry", "1"}, envOf(env), &out, &errOut), errOut.String())
	require.Contains(t, out.String(), "message 1 is queued again")

	errOut.Reset()
	require.Equal(t, 1, run([]string{"outbox", "retry", "1"}, envOf(env), &out, &errOut))
	require.Contains(t, errOut.String(), "only dead messages")
	errOut.Reset()
	require.Equal(t, 2, run([]string{"outbox", "retry", "abc"}, envOf(env), &out, &errOut))
	require.Equal(t, 1, strings.Count(errOut.String(), "\n"))

	out.Reset()
	require.Equal(t, 0, run([]string{"outbox", "list"}, envOf(env), &out, &errOut))
	require.Contains(t, out.String(), "pending")
}
