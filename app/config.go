// Package app is the composition root: configuration, HTTP server, routes and background workers.
package app

import (
	"encoding/base64"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"b24pay/secret"
)

// Config is everything the service reads from its environment.
type Config struct {
	Addr            string         // B24PAY_ADDR
	DatabaseURL     string         // DATABASE_URL; empty = embedded SQLite
	DataDir         string         // B24PAY_DATA_DIR
	PublicURL       string         // B24PAY_PUBLIC_URL
	SecretKey       []byte         // B24PAY_SECRET_KEY (decoded)
	LogFormat       string         // B24PAY_LOG_FORMAT
	LogLevel        slog.Level     // B24PAY_LOG_LEVEL
	Timezone        *time.Location // B24PAY_TIMEZONE
	ShutdownTimeout time.Duration  // B24PAY_SHUTDOWN_TIMEOUT
	DBConnectTries  int            // B24PAY_DB_CONNECT_TRIES
	CronOutboxPurge string         // B24PAY_CRON_OUTBOX_PURGE
}

// ConfigError names the variable that is wrong.
type ConfigError struct {
	Var string
	Msg string
}

func (e *ConfigError) Error() string { return "config: " + e.Var + ": " + e.Msg }

// UsesPostgres tells whether DATABASE_URL points at PostgreSQL.
func (c Config) UsesPostgres() bool { return c.DatabaseURL != "" }

// LoadConfig reads the environment through getenv, applies defaults and validates.
func LoadConfig(getenv func(string) string) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Addr:            get("B24PAY_ADDR", ":8080"),
		DatabaseURL:     get("DATABASE_URL", ""),
		DataDir:         get("B24PAY_DATA_DIR", "./var"),
		PublicURL:       strings.TrimRight(get("B24PAY_PUBLIC_URL", ""), "/"),
		LogFormat:       get("B24PAY_LOG_FORMAT", "text"),
		CronOutboxPurge: get("B24PAY_CRON_OUTBOX_PURGE", "17 3 * * *"),
	}
	steps := []func() error{
		func() error { return parseKey(get("B24PAY_SECRET_KEY", ""), &c.SecretKey) },
		func() error { return parseLevel(get("B24PAY_LOG_LEVEL", "info"), &c.LogLevel) },
		func() error { return parseZone(get("B24PAY_TIMEZONE", "Europe/Moscow"), &c.Timezone) },
		func() error {
			return parseDuration("B24PAY_SHUTDOWN_TIMEOUT", get("B24PAY_SHUTDOWN_TIMEOUT", "30s"), &c.ShutdownTimeout)
		},
		func() error {
			return parseInt("B24PAY_DB_CONNECT_TRIES", get("B24PAY_DB_CONNECT_TRIES", "5"), 1, 100, &c.DBConnectTries)
		},
		func() error { return c.Validate() }, // a method value would copy c before the parsers fill it
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return c, err
		}
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://localhost" + portSuffix(c.Addr)
	}
	return c, nil
}

// Validate checks values that do not need parsing.
func (c Config) Validate() error {
	if err := validateAddr(c.Addr); err != nil {
		return err
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			return &ConfigError{"DATABASE_URL", "must be empty (embedded SQLite in B24PAY_DATA_DIR) or postgres://user:password@host:5432/dbname"}
		}
	}
	if c.DataDir == "" {
		return &ConfigError{"B24PAY_DATA_DIR", "must not be empty"}
	}
	if err := validatePublicURL(c.PublicURL); err != nil {
		return err
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return &ConfigError{"B24PAY_LOG_FORMAT", fmt.Sprintf("%q is not text or json", c.LogFormat)}
	}
	if c.UsesPostgres() && c.SecretKey == nil {
		return &ConfigError{"B24PAY_SECRET_KEY", "required with PostgreSQL: 32 random bytes in base64 (openssl rand -base64 32)"}
	}
	if _, err := cron.ParseStandard(c.CronOutboxPurge); err != nil {
		return &ConfigError{"B24PAY_CRON_OUTBOX_PURGE", fmt.Sprintf("%q is not a cron spec: %v", c.CronOutboxPurge, err)}
	}
	return nil
}

func validateAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return &ConfigError{"B24PAY_ADDR", fmt.Sprintf("%q is not host:port (e.g. :8080 or 127.0.0.1:8080)", addr)}
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return &ConfigError{"B24PAY_ADDR", fmt.Sprintf("port %q is not a number from 0 to 65535", port)}
	}
	if strings.ContainsAny(host, " /") {
		return &ConfigError{"B24PAY_ADDR", fmt.Sprintf("host %q is not a host name or IP address", host)}
	}
	return nil
}

func validatePublicURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.Fragment != "" {
		return &ConfigError{"B24PAY_PUBLIC_URL", fmt.Sprintf("%q is not an absolute https:// base URL", raw)}
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return &ConfigError{"B24PAY_PUBLIC_URL", "must use https: Bitrix24 and payment providers only call https URLs"}
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func parseKey(raw string, dst *[]byte) error {
	if raw == "" {
		return nil
	}
	key, err := base64.StdEncoding.DecodeString(raw)
	if err != nil || len(key) != secret.KeySize {
		return &ConfigError{"B24PAY_SECRET_KEY", "must be 32 random bytes in base64 (openssl rand -base64 32)"}
	}
	*dst = key
	return nil
}

func parseLevel(raw string, dst *slog.Level) error {
	if err := dst.UnmarshalText([]byte(raw)); err != nil {
		return &ConfigError{"B24PAY_LOG_LEVEL", fmt.Sprintf("%q is not debug, info, warn or error", raw)}
	}
	return nil
}

func parseZone(raw string, dst **time.Location) error {
	loc, err := time.LoadLocation(raw)
	if err != nil {
		return &ConfigError{"B24PAY_TIMEZONE", fmt.Sprintf("%q is not an IANA time zone (e.g. Europe/Moscow)", raw)}
	}
	*dst = loc
	return nil
}

func parseDuration(name, raw string, dst *time.Duration) error {
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 {
		return &ConfigError{name, fmt.Sprintf("%q is not a positive duration (e.g. 30s)", raw)}
	}
	*dst = d
	return nil
}

func parseInt(name, raw string, lo, hi int, dst *int) error {
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		return &ConfigError{name, fmt.Sprintf("%q is not a whole number from %d to %d", raw, lo, hi)}
	}
	*dst = n
	return nil
}

func portSuffix(addr string) string {
	_, port, _ := net.SplitHostPort(addr)
	return ":" + port
}

// LogValue keeps secrets out of logs: the key is never printed, the database password is masked.
func (c Config) LogValue() slog.Value {
	db := "sqlite:" + c.DataDir
	if u, err := url.Parse(c.DatabaseURL); err == nil && c.DatabaseURL != "" {
		db = u.Redacted()
	}
	return slog.GroupValue(
		slog.String("addr", c.Addr), slog.String("database", db), slog.String("public_url", c.PublicURL),
		slog.Bool("secret_key_set", c.SecretKey != nil), slog.String("timezone", c.Timezone.String()),
		slog.String("log_format", c.LogFormat),
	)
}
