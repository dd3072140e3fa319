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
	DatabaseURL     string         // DATABASE_URL, or built from PGHOST, PGPASSWORD, …; empty = embedded SQLite
	DataDir         string         // B24PAY_DATA_DIR
	PublicURL       string         // B24PAY_PUBLIC_URL
	CabinetURL      string         // B24PAY_CABINET_URL: the client cabinet's own host (optional)
	SecretKey       []byte         // B24PAY_SECRET_KEY (decoded)
	LogFormat       string         // B24PAY_LOG_FORMAT
	LogLevel        slog.Level     // B24PAY_LOG_LEVEL
	Timezone        *time.Location // B24PAY_TIMEZONE
	ShutdownTimeout time.Duration  // B24PAY_SHUTDOWN_TIMEOUT
	DBConnectTries  int            // B24PAY_DB_CONNECT_TRIES
	CronOutboxPurge string         // B24PAY_CRON_OUTBOX_PURGE
	CronReminders   string         // B24PAY_CRON_REMINDERS
	CronResync      string         // B24PAY_CRON_RESYNC
	RemindDays      int            // B24PAY_REMIND_DAYS
	Pool            PoolConfig
	B24             B24Config
	Billing         BillingConfig
	Version         string // the binary's version, set by main (not from the environment)
	Security        SecurityConfig
	Recur           RecurConfig
	Finance         FinanceConfig
}

// B24Config describes the one portal this local application serves.
type B24Config struct {
	ClientID     string // B24PAY_B24_CLIENT_ID
	ClientSecret string // B24PAY_B24_CLIENT_SECRET
	PortalURL    string // B24PAY_B24_PORTAL_URL, e.g. https://example.bitrix24.ru
	OAuthURL     string // B24PAY_B24_OAUTH_URL, default by the portal's region
	// OAuthFixed: OAuthURL was configured, so it overrides the server the install names.
	OAuthFixed bool
	Rate       float64 // B24PAY_B24_RATE requests/s
	Burst      int     // B24PAY_B24_BURST

	RetryBase time.Duration // not from the environment: tests shorten the backoff; zero = bitrix default
}

// Enabled tells whether the Bitrix24 routes are served.
func (b B24Config) Enabled() bool { return b.PortalURL != "" }

// PortalHost is the configured portal's host (with port when given).
func (b B24Config) PortalHost() string {
	u, _ := url.Parse(b.PortalURL)
	return strings.ToLower(u.Host)
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
		DatabaseURL:     databaseURL(get),
		DataDir:         get("B24PAY_DATA_DIR", "./var"),
		PublicURL:       strings.TrimRight(get("B24PAY_PUBLIC_URL", ""), "/"),
		CabinetURL:      strings.TrimRight(get("B24PAY_CABINET_URL", ""), "/"),
		LogFormat:       get("B24PAY_LOG_FORMAT", "text"),
		CronOutboxPurge: get("B24PAY_CRON_OUTBOX_PURGE", "17 3 * * *"),
		CronReminders:   get("B24PAY_CRON_REMINDERS", "0 9 * * *"),
		CronResync:      get("B24PAY_CRON_RESYNC", "*/15 * * * *"),
		B24: B24Config{
			ClientID:     get("B24PAY_B24_CLIENT_ID", ""),
			ClientSecret: get("B24PAY_B24_CLIENT_SECRET", ""),
			PortalURL:    strings.TrimRight(get("B24PAY_B24_PORTAL_URL", ""), "/"),
			OAuthURL:     strings.TrimRight(get("B24PAY_B24_OAUTH_URL", ""), "/"),
		},
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
		func() error {
			return parseInt("B24PAY_REMIND_DAYS", get("B24PAY_REMIND_DAYS", "3"), 0, 60, &c.RemindDays)
		},
		func() error {
			return parseInt("B24PAY_B24_BURST", get("B24PAY_B24_BURST", "50"), 1, 1000, &c.B24.Burst)
		},
		func() error { return parseRate(get("B24PAY_B24_RATE", "2"), &c.B24.Rate) },
		func() error { return loadBilling(get, &c.Billing) },
		func() error { return loadSecurity(get, &c.Security) },
		func() error { return loadRecur(get, c.DataDir, &c.Recur) },
		func() error { return loadPool(get, &c.Pool) },
		func() error { return loadFinance(get, &c.Finance) },
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
func (c *Config) Validate() error {
	if err := validateAddr(c.Addr); err != nil {
		return err
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" || u.Fragment != "" {
			return &ConfigError{"DATABASE_URL", "must be empty (embedded SQLite in B24PAY_DATA_DIR) or postgres://user:password@host:5432/dbname " +
				"(percent-escape the password, or set PGHOST, PGUSER, PGPASSWORD, PGDATABASE instead)"}
		}
	}
	if c.DataDir == "" {
		return &ConfigError{"B24PAY_DATA_DIR", "must not be empty"}
	}
	if err := validatePublicURL(c.PublicURL); err != nil {
		return err
	}
	if err := validateCabinetURL(c.CabinetURL); err != nil {
		return err
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return &ConfigError{"B24PAY_LOG_FORMAT", fmt.Sprintf("%q is not text or json", c.LogFormat)}
	}
	if c.UsesPostgres() && c.SecretKey == nil {
		return &ConfigError{"B24PAY_SECRET_KEY", "required with PostgreSQL: 32 random bytes in base64 (openssl rand -base64 32)"}
	}
	for name, spec := range map[string]string{"B24PAY_CRON_OUTBOX_PURGE": c.CronOutboxPurge,
		"B24PAY_CRON_REMINDERS": c.CronReminders, "B24PAY_CRON_RESYNC": c.CronResync} {
		if _, err := cron.ParseStandard(spec); err != nil {
			return &ConfigError{name, fmt.Sprintf("%q is not a cron spec: %v", spec, err)}
		}
	}
	return c.B24.validate()
}

func (b *B24Config) validate() error {
	set := map[string]bool{"B24PAY_B24_CLIENT_ID": b.ClientID != "", "B24PAY_B24_CLIENT_SECRET": b.ClientSecret != "",
		"B24PAY_B24_PORTAL_URL": b.PortalURL != ""}
	if !set["B24PAY_B24_CLIENT_ID"] && !set["B24PAY_B24_CLIENT_SECRET"] && !set["B24PAY_B24_PORTAL_URL"] {
		return nil // Bitrix24 not configured: its routes are not served
	}
	for _, name := range []string{"B24PAY_B24_PORTAL_URL", "B24PAY_B24_CLIENT_ID", "B24PAY_B24_CLIENT_SECRET"} {
		if !set[name] {
			return &ConfigError{name, "required when any B24PAY_B24_* variable is set (see README: Register in Bitrix24)"}
		}
	}
	if err := validateBaseURL("B24PAY_B24_PORTAL_URL", b.PortalURL); err != nil {
		return err
	}
	b.OAuthFixed = b.OAuthURL != ""
	if b.OAuthURL == "" {
		b.OAuthURL = defaultOAuthURL(b.PortalHost())
	}
	return validateBaseURL("B24PAY_B24_OAUTH_URL", b.OAuthURL)
}

// defaultOAuthURL picks the OAuth server of the portal's region (reference §2.1): the "east" server
// for Russian-region portals, the "west" one otherwise.
func defaultOAuthURL(host string) string {
	h, _, err := net.SplitHostPort(host)
	if err != nil {
		h = host
	}
	for _, east := range []string{".ru", ".by", ".kz"} {
		if strings.HasSuffix(h, east) {
			return "https://oauth.bitrix24.tech"
		}
	}
	return "https://oauth.bitrix.info"
}

// validateBaseURL accepts https://host[:port] (http only for loopback), without path or query.
func validateBaseURL(name, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || (u.Path != "" && u.Path != "/") ||
		u.RawQuery != "" || u.User != nil {
		return &ConfigError{name, fmt.Sprintf("%q is not a base URL like https://example.bitrix24.ru", raw)}
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return &ConfigError{name, "must use https"}
	}
	return nil
}

func parseRate(raw string, dst *float64) error {
	r, err := strconv.ParseFloat(raw, 64)
	if err != nil || r <= 0 || r > 1000 {
		return &ConfigError{"B24PAY_B24_RATE", fmt.Sprintf("%q is not a request rate per second from 0 to 1000", raw)}
	}
	*dst = r
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
		slog.String("addr", c.Addr), slog.String("database", db), slog.String("public_url", c.PublicURL), slog.String("cabinet_url", c.CabinetURL),
		slog.Bool("secret_key_set", c.SecretKey != nil), slog.String("timezone", c.Timezone.String()),
		slog.String("log_format", c.LogFormat), slog.String("b24_portal", c.B24.PortalURL),
		slog.String("b24_client_id", c.B24.ClientID), slog.Bool("b24_client_secret_set", c.B24.ClientSecret != ""),
	)
}
