package cabinet

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Message is one e-mail to a client.
type Message struct {
	To      string
	Subject string
	Body    string // plain text
}

// Mailer sends the cabinet's e-mails. The service's real mail sender replaces DirMailer when the
// mail package lands; until then messages go to a directory an operator can read.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// DirMailer writes each message as a text file into Dir (the data dir's mailbox) and logs a line.
type DirMailer struct {
	Dir string
	Log *slog.Logger
	Now func() time.Time

	mu sync.Mutex
	n  int
}

// Send writes m to a new file named after the time and a counter.
func (d *DirMailer) Send(_ context.Context, m Message) error {
	if err := os.MkdirAll(d.Dir, 0o700); err != nil {
		return err
	}
	d.mu.Lock()
	d.n++
	name := fmt.Sprintf("%s-%04d.eml", d.Now().UTC().Format("20060102T150405"), d.n)
	d.mu.Unlock()
	text := "To: " + m.To + "\r\nSubject: " + m.Subject + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		strings.ReplaceAll(m.Body, "\n", "\r\n")
	path := filepath.Join(d.Dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return err
	}
	d.Log.Info("cabinet mail written to the mailbox directory", "file", path, "subject", m.Subject)
	return nil
}

// CaptureMailer keeps the messages in memory (tests).
type CaptureMailer struct {
	mu   sync.Mutex
	sent []Message
}

// Send records m.
func (c *CaptureMailer) Send(_ context.Context, m Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent = append(c.sent, m)
	return nil
}

// Sent returns a copy of the messages so far.
func (c *CaptureMailer) Sent() []Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Message(nil), c.sent...)
}

// LastTo returns the last message to addr.
func (c *CaptureMailer) LastTo(addr string) (Message, bool) {
	sent := c.Sent()
	for i := len(sent) - 1; i >= 0; i-- {
		if sent[i].To == addr {
			return sent[i], true
		}
	}
	return Message{}, false
}
