package mail

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"b24pay/outbox"
)

// Sender delivers letters from the outbox.
type Sender struct {
	cfg  Config
	tpl  *Templates
	log  *slog.Logger
	from *netmail.Address
	now  func() time.Time
	// tlsConfig overrides the TLS client settings (tests trust their own certificate).
	tlsConfig *tls.Config
}

// NewSender checks cfg and says in the log where mail goes.
func NewSender(cfg Config, tpl *Templates, log *slog.Logger) (*Sender, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	from, _ := netmail.ParseAddress(cfg.From) // checked by Validate
	if cfg.SMTP() {
		log.Info("mail: sending over SMTP", "mail", cfg)
	} else {
		log.Warn("mail: no SMTP configured (B24PAY_SMTP_HOST); e-mails are written to the local mailbox",
			"dir", cfg.MailboxDir)
	}
	return &Sender{cfg: cfg, tpl: tpl, log: log, from: from, now: time.Now}, nil
}

// Handle is the outbox handler of Topic.
func (s *Sender) Handle(ctx context.Context, job outbox.Job) error {
	var l Letter
	if err := job.Decode(&l); err != nil {
		return err
	}
	msg, err := s.build(l)
	if err != nil {
		return outbox.Permanent(err)
	}
	if !s.cfg.SMTP() {
		return s.drop(l, msg)
	}
	return s.send(ctx, msg)
}

// build renders the letter into a MIME message: multipart/alternative, text then HTML.
func (s *Sender) build(l Letter) (*gomail.Msg, error) {
	to, err := netmail.ParseAddress(l.To)
	if err != nil || l.Key == "" {
		return nil, fmt.Errorf("%w: %q", errNoRecipient, l.To)
	}
	r, err := s.tpl.Render(l.Kind, l.Data)
	if err != nil {
		return nil, err
	}
	m := gomail.NewMsg()
	if err := m.FromFormat(s.from.Name, s.from.Address); err != nil {
		return nil, fmt.Errorf("mail: from: %w", err)
	}
	if err := m.AddToFormat(to.Name, to.Address); err != nil {
		return nil, fmt.Errorf("%w: %v", errNoRecipient, err)
	}
	m.Subject(r.Subject)
	m.SetMessageIDWithValue(MessageID(l.Key, s.from.Address))
	m.SetDateWithValue(s.now())
	m.SetBodyString(gomail.TypeTextPlain, r.Text)
	m.AddAlternativeString(gomail.TypeTextHTML, r.HTML)
	return m, nil
}

// MessageID is the id (without angle brackets) of the letter with key: the same key always gives
// the same id, on the sender's domain.
func MessageID(key, from string) string {
	sum := sha256.Sum256([]byte(key))
	domain := "b24pay.local"
	if _, d, ok := strings.Cut(from, "@"); ok && d != "" {
		domain = d
	}
	return hex.EncodeToString(sum[:16]) + "@" + domain
}

func (s *Sender) send(ctx context.Context, m *gomail.Msg) error {
	c, err := gomail.NewClient(s.cfg.Host, s.clientOptions()...)
	if err != nil {
		return outbox.Permanent(fmt.Errorf("mail: smtp client: %w", err))
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("mail: smtp send: %w", err)
	}
	return nil
}

func (s *Sender) clientOptions() []gomail.Option {
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(30 * time.Second)}
	switch s.cfg.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.tlsConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(s.tlsConfig))
	}
	if s.cfg.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.User), gomail.WithPassword(s.cfg.Password))
	}
	return opts
}

// drop writes the message into the mailbox as <key hash>.eml; writing the same letter again
// replaces the same file, so the mailbox also holds each e-mail once.
func (s *Sender) drop(l Letter, m *gomail.Msg) error {
	sum := sha256.Sum256([]byte(l.Key))
	name := filepath.Join(s.cfg.MailboxDir, hex.EncodeToString(sum[:12])+".eml")
	if err := os.MkdirAll(s.cfg.MailboxDir, 0o750); err != nil {
		return fmt.Errorf("mail: create mailbox: %w", err)
	}
	tmp, err := os.CreateTemp(s.cfg.MailboxDir, ".letter-*")
	if err != nil {
		return fmt.Errorf("mail: mailbox: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := m.WriteTo(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("mail: mailbox write: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("mail: mailbox write: %w", err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("mail: mailbox: %w", err)
	}
	s.log.Info("mail: written to the local mailbox", "kind", l.Kind, "file", name)
	return nil
}
