package app

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"b24pay/secret"
)

// secretKeyFile is where an embedded install keeps its generated key.
const secretKeyFile = "secret.key"

// ResolveSecretKey fills c.SecretKey when unset: on SQLite it loads the key from the data dir or
// generates one there (with a warning, since losing that file loses every stored token).
func (c *Config) ResolveSecretKey(log *slog.Logger) error {
	if c.SecretKey != nil {
		return nil
	}
	if c.UsesPostgres() {
		return &ConfigError{"B24PAY_SECRET_KEY", "required with PostgreSQL"}
	}
	path := filepath.Join(c.DataDir, secretKeyFile)
	raw, err := os.ReadFile(path)
	switch {
	case err == nil:
		key, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(string(raw)))
		if derr != nil || len(key) != secret.KeySize {
			return &ConfigError{"B24PAY_SECRET_KEY", fmt.Sprintf("unset, and %s does not hold a base64 32-byte key", path)}
		}
		c.SecretKey = key
		return nil
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("config: read %s: %w", path, err)
	}
	key := make([]byte, secret.KeySize)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return fmt.Errorf("config: create %s: %w", c.DataDir, err)
	}
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
		return fmt.Errorf("config: write %s: %w", path, err)
	}
	log.Warn("B24PAY_SECRET_KEY is not set: generated a key for encrypting tokens at rest; back it up with the database",
		"path", path)
	c.SecretKey = key
	return nil
}
