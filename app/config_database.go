package app

import (
	"net"
	"net/url"
)

// libpqParts are the libpq variables accepted instead of DATABASE_URL, so that a password with
// '@', '#', '/' or '+' needs no hand-made URL escaping.
var libpqParts = []string{"PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE"}

// databaseURL is DATABASE_URL, or, when it is empty and PGHOST is set, a postgres:// URL built
// from the libpq variables with every part escaped.
func databaseURL(get func(name, def string) string) string {
	if raw := get("DATABASE_URL", ""); raw != "" || get("PGHOST", "") == "" {
		return raw
	}
	u := url.URL{Scheme: "postgres", Host: net.JoinHostPort(get("PGHOST", ""), get("PGPORT", "5432")),
		Path: "/" + get("PGDATABASE", "postgres")}
	if pass := get("PGPASSWORD", ""); pass != "" {
		u.User = url.UserPassword(get("PGUSER", "postgres"), pass)
	} else {
		u.User = url.User(get("PGUSER", "postgres"))
	}
	if mode := get("PGSSLMODE", ""); mode != "" {
		u.RawQuery = url.Values{"sslmode": {mode}}.Encode()
	}
	return u.String()
}
