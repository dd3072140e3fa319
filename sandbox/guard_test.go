package sandbox

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSandboxRefusesAnEnvironmentNamingARealSystem(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"DATABASE_URL", "PGHOST", "B24PAY_B24_PORTAL_URL", "B24PAY_INVOICEBOX_TOKEN",
		"B24PAY_SBP_SECRET_KEY", "B24PAY_YOOKASSA_SECRET_KEY", "B24PAY_SMTP_HOST", "B24PAY_PUBLIC_URL"} {
		err := CheckEnvironment(func(k string) string {
			if k == name {
				return "x"
			}
			return ""
		})
		require.ErrorContains(t, err, name, name)
	}
	require.NoError(t, CheckEnvironment(func(k string) string {
		return map[string]string{"B24PAY_LOG_LEVEL": "debug", "HOME": "/root"}[k]
	}))
}

func TestDataDirectoryIsOnlyEverASandboxes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, prepareDir(filepath.Join(dir, "new"), false), "a new directory is created")
	require.FileExists(t, filepath.Join(dir, "new", marker))
	require.ErrorContains(t, prepareDir(filepath.Join(dir, "new"), false), "--reset", "an earlier sandbox needs --reset")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "new", "b24pay.db"), []byte("old"), 0o600))
	require.NoError(t, prepareDir(filepath.Join(dir, "new"), true))
	require.NoFileExists(t, filepath.Join(dir, "new", "b24pay.db"), "--reset wipes it")

	other := filepath.Join(dir, "production")
	require.NoError(t, os.MkdirAll(other, 0o750))
	require.NoError(t, os.WriteFile(filepath.Join(other, "b24pay.db"), []byte("real"), 0o600))
	require.ErrorContains(t, prepareDir(other, true), "holds no sandbox")
	require.FileExists(t, filepath.Join(other, "b24pay.db"), "--reset never wipes a directory that is not a sandbox's")
}
