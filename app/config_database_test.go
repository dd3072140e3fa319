package app

import (
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

// TestConfigLibpqPartsEscapeThePassword builds DATABASE_URL from PGHOST, PGPASSWORD, … and checks that
// the PostgreSQL driver reads back exactly the password given, whatever it contains.
func TestConfigLibpqPartsEscapeThePassword(t *testing.T) {
	t.Parallel()
	for _, password := range []string{"p@ss#1", "ab/c+d=", "50%:off?&x y"} {
		t.Run(password, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"PGHOST": "postgres", "PGUSER": "b24pay", "PGPASSWORD": password,
				"PGDATABASE": "b24pay", "PGSSLMODE": "disable", "B24PAY_SECRET_KEY": e2eSecretKey}
			cfg, err := LoadConfig(func(k string) string { return env[k] })
			require.NoError(t, err)
			require.True(t, cfg.UsesPostgres())
			pc, err := pgconn.ParseConfig(cfg.DatabaseURL)
			require.NoError(t, err)
			require.Equal(t, password, pc.Password)
			require.Equal(t, "postgres", pc.Host)
			require.EqualValues(t, 5432, pc.Port)
			require.Equal(t, "b24pay", pc.User)
			require.Equal(t, "b24pay", pc.Database)
			require.Nil(t, pc.TLSConfig, "PGSSLMODE=disable")
		})
	}
}

func TestConfigDatabaseURLWinsOverLibpqParts(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": "postgres://u@db.internal:6432/app", "PGHOST": "other",
		"B24PAY_SECRET_KEY": e2eSecretKey}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	require.NoError(t, err)
	require.Equal(t, "postgres://u@db.internal:6432/app", cfg.DatabaseURL)

	cfg, err = LoadConfig(func(k string) string { return map[string]string{"PGPASSWORD": "x"}[k] })
	require.NoError(t, err)
	require.False(t, cfg.UsesPostgres(), "without PGHOST the embedded SQLite stays the default")
}

func TestConfigRawPasswordInDatabaseURLIsExplained(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"postgres://b24pay:ab/c+d=@postgres:5432/b24pay", "postgres://b24pay:p@ss#1@postgres:5432/b24pay"} {
		env := map[string]string{"DATABASE_URL": raw, "B24PAY_SECRET_KEY": e2eSecretKey}
		_, err := LoadConfig(func(k string) string { return env[k] })
		require.ErrorContains(t, err, "PGPASSWORD", raw)
	}
}
