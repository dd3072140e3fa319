package main

import (
	"net/url"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/store/storetest"
)

// postgresURL points the test server's URL at database name.
func postgresURL(t *testing.T, name string) string {
	u, err := url.Parse(os.Getenv(storetest.EnvPostgresURL))
	require.NoError(t, err)
	u.Path = "/" + name
	return u.String()
}
