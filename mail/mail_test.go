package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"b24pay/clock"
	"b24pay/outbox"
	"b24pay/store"
	"b24pay/store/storetest"
)

var t0 = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

type testBundle struct {
	db     *store.DB
	sender *Sender
	worker *outbox.Worker
	logs   *bytes.Buffer
}

func setup(t *testing.T, db *store.DB, cfg Config) *testBundle {
	t.Helper()
	tpl, err := Parse()
	require.NoError(t, err)
	tb := &testBundle{db: db, logs: &bytes.Buffer{}}
	log := slog.New(slog.NewTextHandler(tb.logs, nil))
	tb.sender, err = NewSender(cfg, tpl, log)
	require.NoError(t, err)
	tb.sender.now = func() time.Time { return t0 }
	tb.worker = outbox.NewWorker(db, clock.NewFrozen(t0), slog.New(slog.DiscardHandler),
		outbox.Config{Backoff: outbox.Backoff{Base: time.Nanosecond, Max: time.Nanosecond}}, nil)
	tb.worker.Handle(Topic, tb.sender.Handle)
	return tb
}

func smtpConfig(s *smtpServer) Config {
	return Config{Host: s.addr, Port: s.port, TLS: TLSStartTLS, User: "billing", Password: "s3cret",
		From: "ООО «Ромашка» <billing@romashka.example>"}
}

func letter(key string) Letter {
	d := Sample()
	d.ClientName = `Иван <script>alert(1)</script>`
	return Letter{Key: key, To: "Иван Петров <ivan@example.ru>", Kind: PaymentFailed, Data: d}
}

func (tb *testBundle) enqueue(t *testing.T, l Letter) {
	t.Helper()
	require.NoError(t, tb.db.Transaction(func(tx *gorm.DB) error { return Enqueue(tx, t0, "portal-1", l) }))
}

func (tb *testBundle) drain(t *testing.T) {
	t.Helper()
	_, err := tb.worker.Drain(context.Background())
	require.NoError(t, err)
}

func TestEachLetterIsSentOnceOverSMTPWithBothParts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := newSMTPServer(t)
		tb := setup(t, db, smtpConfig(srv))
		tb.sender.tlsConfig = &tls.Config{RootCAs: srv.roots, ServerName: "127.0.0.1"}
		tb.enqueue(t, letter("failed:charge-1"))
		tb.enqueue(t, letter("failed:charge-1")) // the same cause twice: one e-mail
		tb.drain(t)
		tb.enqueue(t, letter("failed:charge-1")) // and again after delivery
		tb.drain(t)

		got := srv.messages()
		require.Len(t, got, 1)
		require.Equal(t, "billing", got[0].user)
		require.Equal(t, "billing@romashka.example", got[0].from)
		require.Equal(t, []string{"ivan@example.ru"}, got[0].to)
		assertLetter(t, got[0].data, "failed:charge-1")
	})
}

func assertLetter(t *testing.T, raw []byte, key string) {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	require.NoError(t, err)
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	require.NoError(t, err)
	require.Equal(t, "Не удалось списать 990,00\u00a0₽ — Подписка «Бизнес»", subject)
	from, err := msg.Header.AddressList("From")
	require.NoError(t, err)
	require.Equal(t, "ООО «Ромашка»", from[0].Name)
	to, err := msg.Header.AddressList("To")
	require.NoError(t, err)
	require.Equal(t, "ivan@example.ru", to[0].Address)
	require.Equal(t, "<"+MessageID(key, "billing@romashka.example")+">", msg.Header.Get("Message-Id"))
	date, err := msg.Header.Date()
	require.NoError(t, err)
	require.True(t, date.Equal(t0))

	parts := readParts(t, msg)
	require.Contains(t, parts, "text/plain")
	require.Contains(t, parts, "text/html")
	text, html := parts["text/plain"], parts["text/html"]
	require.Contains(t, text, "Оплатить или сменить карту: https://pay.example.ru/s/pay")
	require.Contains(t, text, "https://pay.example.ru/s/manage")
	require.Contains(t, html, `href="https://pay.example.ru/s/pay"`)
	require.Contains(t, html, `href="https://pay.example.ru/s/manage"`)
	require.Contains(t, html, "Иван &lt;script&gt;")
	require.NotContains(t, html, "<script>")
}

// readParts returns the decoded body of each part of a multipart/alternative message by type.
func readParts(t *testing.T, msg *netmail.Message) map[string]string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/alternative", mt)
	parts := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return parts
		}
		require.NoError(t, err)
		ct, _, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		require.NoError(t, err)
		body, err := io.ReadAll(p) // multipart decodes quoted-printable itself
		require.NoError(t, err)
		parts[ct] = string(body)
	}
}

func TestRefusedDeliveryIsRetriedAndBadAddressIsDead(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := newSMTPServer(t)
		srv.failing = 1
		tb := setup(t, db, smtpConfig(srv))
		tb.sender.tlsConfig = &tls.Config{RootCAs: srv.roots, ServerName: "127.0.0.1"}
		tb.enqueue(t, letter("k1"))
		bad := letter("k2")
		bad.To = "not an address"
		tb.enqueue(t, bad)
		tb.drain(t)
		require.Len(t, srv.messages(), 1)
		var rows []outbox.Row
		require.NoError(t, db.Order("id").Find(&rows).Error)
		require.Equal(t, outbox.StatusDone, rows[0].Status)
		require.Equal(t, 2, rows[0].Attempts)
		require.Equal(t, outbox.StatusDead, rows[1].Status)
	})
}

func TestWrongPasswordIsNotSent(t *testing.T) {
	t.Parallel()
	srv := newSMTPServer(t)
	cfg := smtpConfig(srv)
	cfg.Password = "wrong"
	tb := setup(t, storetest.New(t, store.SQLite), cfg)
	tb.sender.tlsConfig = &tls.Config{RootCAs: srv.roots, ServerName: "127.0.0.1"}
	m, err := tb.sender.build(letter("k"))
	require.NoError(t, err)
	require.Error(t, tb.sender.send(context.Background(), m))
	require.Empty(t, srv.messages())
}

func TestWithoutSMTPLettersGoToTheMailboxOnce(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "mailbox")
	tb := setup(t, storetest.New(t, store.SQLite), Config{From: "billing@romashka.example", MailboxDir: dir})
	require.Contains(t, tb.logs.String(), "no SMTP configured")
	tb.enqueue(t, letter("failed:charge-1"))
	tb.drain(t)
	require.NoError(t, tb.sender.Handle(context.Background(), outbox.Job{Topic: Topic,
		Payload: []byte(`{"key":"failed:charge-1","to":"ivan@example.ru","kind":"payment_failed","data":{}}`)}))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	require.True(t, strings.HasSuffix(entries[0].Name(), ".eml"))
	require.Contains(t, tb.logs.String(), "written to the local mailbox")
}

func TestTemplatesRenderEveryKind(t *testing.T) {
	t.Parallel()
	tpl, err := Parse()
	require.NoError(t, err)
	for _, k := range Kinds {
		r, err := tpl.Render(k, Sample())
		require.NoError(t, err, k)
		require.NotEmpty(t, r.Subject)
		require.Contains(t, r.HTML, `<html lang="ru">`)
		require.Contains(t, r.Text, "Здравствуйте, Иван Петров!")
		require.NotContains(t, r.Text+r.HTML, "<no value>")
	}
	_, err = tpl.Render("nope", Sample())
	require.Error(t, err)
}

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	load := func(env map[string]string) (Config, error) {
		return LoadConfig(func(name, def string) string {
			if v, ok := env[name]; ok {
				return v
			}
			return def
		}, "/data")
	}
	c, err := load(nil)
	require.NoError(t, err)
	require.False(t, c.SMTP())
	require.Equal(t, "/data/mailbox", c.MailboxDir)

	c, err = load(map[string]string{"B24PAY_SMTP_HOST": "smtp.example.ru", "B24PAY_SMTP_TLS": "tls",
		"B24PAY_SMTP_USER": "u", "B24PAY_SMTP_PASSWORD": "p", "B24PAY_MAIL_FROM": "billing@example.ru"})
	require.NoError(t, err)
	require.Equal(t, 465, c.Port)
	require.NotContains(t, slog.AnyValue(c).Resolve().String(), `"p"`)

	for name, env := range map[string]map[string]string{
		"B24PAY_SMTP_PORT":     {"B24PAY_SMTP_HOST": "h", "B24PAY_SMTP_PORT": "0"},
		"B24PAY_SMTP_TLS":      {"B24PAY_SMTP_HOST": "h", "B24PAY_SMTP_TLS": "ssl3"},
		"B24PAY_SMTP_PASSWORD": {"B24PAY_SMTP_HOST": "h", "B24PAY_SMTP_USER": "u"},
		"B24PAY_MAIL_FROM":     {"B24PAY_MAIL_FROM": "nobody"},
	} {
		_, err := load(env)
		var cfgErr *ConfigError
		require.ErrorAs(t, err, &cfgErr, name)
		require.Equal(t, name, cfgErr.Var)
	}
}
