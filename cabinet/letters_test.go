package cabinet

import (
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/mail"
	"b24pay/outbox"
	"b24pay/store"
	"b24pay/store/storetest"
)

// deliver runs the outbox once with the mail sender of cfg.
func (b *testBundle) deliver(cfg mail.Config) {
	b.t.Helper()
	tpl, err := mail.Parse()
	require.NoError(b.t, err)
	cfg.From = "Касса <billing@example.ru>"
	sender, err := mail.NewSender(cfg, tpl, slog.New(slog.DiscardHandler))
	require.NoError(b.t, err)
	w := outbox.NewWorker(b.db, b.clock, slog.New(slog.DiscardHandler), outbox.Config{}, nil)
	w.Handle(mail.Topic, sender.Handle)
	_, err = w.Drain(b.ctx)
	require.NoError(b.t, err)
}

func (b *testBundle) mailRow() outbox.Row {
	b.t.Helper()
	var row outbox.Row
	require.NoError(b.t, b.db.Where("topic = ?", mail.Topic).Take(&row).Error)
	return row
}

// closedPort is a local port nothing listens on: an SMTP server that is down.
func closedPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	return port
}

// Registration only queues its e-mail: a mail server that is down fails nothing, the letter is
// retried, and a letter delivered twice (a crash after sending, before the outbox marked it done)
// still leaves the client one e-mail with one link.
func TestVerificationMailSurvivesSMTPDownAndDoubleDelivery(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db)
		require.NoError(t, b.svc.Register(b.ctx, member, person("ivan@example.ru"), "198.51.100.1"))
		raw := b.tokenIn("ivan@example.ru")

		b.deliver(mail.Config{Host: "127.0.0.1", Port: closedPort(t), TLS: mail.TLSNone})
		row := b.mailRow()
		require.Equal(t, outbox.StatusPending, row.Status, "retried later")
		require.Equal(t, 1, row.Attempts)
		require.Contains(t, row.LastError, "smtp")

		box := t.TempDir()
		b.clock.Advance(time.Hour)
		b.deliver(mail.Config{MailboxDir: box})
		require.Equal(t, outbox.StatusDone, b.mailRow().Status)
		require.NoError(t, db.Model(&outbox.Row{}).Where("topic = ?", mail.Topic).
			Updates(map[string]any{"status": outbox.StatusPending, "done_at": nil}).Error)
		b.deliver(mail.Config{MailboxDir: box})
		require.Equal(t, outbox.StatusDone, b.mailRow().Status)

		files, err := filepath.Glob(filepath.Join(box, "*.eml"))
		require.NoError(t, err)
		require.Len(t, files, 1, "one e-mail however often it is delivered")
		body, err := os.ReadFile(files[0])
		require.NoError(t, err)
		unfolded := strings.ReplaceAll(string(body), "=\r\n", "")
		require.Contains(t, unfolded, raw[:20], "the e-mail carries the link")
		require.Len(t, b.letters(), 1, "queued once")
		_, err = b.svc.Verify(b.ctx, raw)
		require.NoError(t, err)
	})
}

func TestValidForSaysHowLongInRussian(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Hour: "один час", 48 * time.Hour: "48 часов",
		3 * time.Hour: "3 часа", 21 * time.Hour: "21 час", 14 * 24 * time.Hour: "14 дней", 72 * time.Hour: "3 дня"} {
		require.Equal(t, want, validFor(d), d)
	}
}
