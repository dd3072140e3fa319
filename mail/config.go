package mail

import (
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"path/filepath"
	"strconv"
)

// TLS modes of the SMTP connection.
const (
	TLSStartTLS = "starttls" // plain connect, then STARTTLS (mandatory); usually port 587
	TLSImplicit = "tls"      // TLS from the first byte; usually port 465
	TLSNone     = "none"     // no encryption: only for a relay on a trusted network or tests
)

// Config says where mail goes. With Host empty, mail is written into MailboxDir instead.
type Config struct {
	Host     string // B24PAY_SMTP_HOST; empty = local mailbox
	Port     int    // B24PAY_SMTP_PORT
	TLS      string // B24PAY_SMTP_TLS: starttls, tls or none
	User     string // B24PAY_SMTP_USER; empty = no authentication
	Password string // B24PAY_SMTP_PASSWORD
	From     string // B24PAY_MAIL_FROM, e.g. "ООО Ромашка <billing@example.ru>"
	// MailboxDir receives .eml files when Host is empty (<data dir>/mailbox).
	MailboxDir string
}

// ConfigError names the variable that is wrong.
type ConfigError struct{ Var, Msg string }

func (e *ConfigError) Error() string { return "config: " + e.Var + ": " + e.Msg }

// LoadConfig reads the B24PAY_SMTP_* and B24PAY_MAIL_FROM variables through get (name, default)
// and validates them.
func LoadConfig(get func(name, def string) string, dataDir string) (Config, error) {
	c := Config{Host: get("B24PAY_SMTP_HOST", ""), TLS: get("B24PAY_SMTP_TLS", TLSStartTLS),
		User: get("B24PAY_SMTP_USER", ""), Password: get("B24PAY_SMTP_PASSWORD", ""),
		From: get("B24PAY_MAIL_FROM", "b24pay <noreply@localhost>"), MailboxDir: filepath.Join(dataDir, "mailbox")}
	port, err := strconv.Atoi(get("B24PAY_SMTP_PORT", defaultPort(c.TLS)))
	if err != nil {
		return c, &ConfigError{"B24PAY_SMTP_PORT", "not a number"}
	}
	c.Port = port
	return c, c.Validate()
}

func defaultPort(tls string) string {
	if tls == TLSImplicit {
		return "465"
	}
	return "587"
}

// Validate reports the first wrong setting.
func (c Config) Validate() error {
	if _, err := netmail.ParseAddress(c.From); err != nil {
		return &ConfigError{"B24PAY_MAIL_FROM", fmt.Sprintf("%q is not an e-mail address: %v", c.From, err)}
	}
	if c.Host == "" {
		if c.MailboxDir == "" {
			return &ConfigError{"B24PAY_DATA_DIR", "needed for the local mailbox when B24PAY_SMTP_HOST is empty"}
		}
		return nil
	}
	switch {
	case c.Port < 1 || c.Port > 65535:
		return &ConfigError{"B24PAY_SMTP_PORT", fmt.Sprintf("%d is not 1..65535", c.Port)}
	case c.TLS != TLSStartTLS && c.TLS != TLSImplicit && c.TLS != TLSNone:
		return &ConfigError{"B24PAY_SMTP_TLS", fmt.Sprintf("%q is not starttls, tls or none", c.TLS)}
	case (c.User == "") != (c.Password == ""):
		return &ConfigError{"B24PAY_SMTP_PASSWORD", "B24PAY_SMTP_USER and B24PAY_SMTP_PASSWORD go together"}
	}
	return nil
}

// SMTP tells whether a server is configured.
func (c Config) SMTP() bool { return c.Host != "" }

// LogValue keeps the password out of logs.
func (c Config) LogValue() slog.Value {
	if !c.SMTP() {
		return slog.GroupValue(slog.String("mailbox", c.MailboxDir), slog.String("from", c.From))
	}
	return slog.GroupValue(slog.String("host", c.Host), slog.Int("port", c.Port), slog.String("tls", c.TLS),
		slog.String("user", c.User), slog.Bool("password_set", c.Password != ""), slog.String("from", c.From))
}

// errNoRecipient: a message without a usable address is dropped, not retried.
var errNoRecipient = errors.New("mail: recipient address missing or invalid")
