package sandbox

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Letter is one e-mail the service sent, as the mailbox directory holds it (the production
// fallback when no SMTP server is configured).
type Letter struct {
	ID      string    `json:"id"`
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Date    time.Time `json:"date"`
	Text    string    `json:"text,omitempty"`
	HTML    string    `json:"html,omitempty"`
}

var letterID = regexp.MustCompile(`^[0-9a-f]+$`)

// readMailbox lists the letters, newest first, without their bodies.
func readMailbox(dir string) ([]Letter, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil {
		return nil, err
	}
	out := []Letter{}
	for _, name := range names {
		l, err := readLetter(dir, strings.TrimSuffix(filepath.Base(name), ".eml"))
		if err != nil {
			return nil, err
		}
		l.Text, l.HTML = "", ""
		out = append(out, l)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.After(out[j].Date) })
	return out, nil
}

// readLetter parses one letter: headers decoded, the text and HTML parts of its
// multipart/alternative body.
func readLetter(dir, id string) (Letter, error) {
	if !letterID.MatchString(id) {
		return Letter{}, notFound("no letter %q", id)
	}
	raw, err := os.ReadFile(filepath.Join(dir, id+".eml"))
	if errors.Is(err, os.ErrNotExist) {
		return Letter{}, notFound("no letter %q", id)
	}
	if err != nil {
		return Letter{}, err
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Letter{}, fmt.Errorf("sandbox: letter %s: %w", id, err)
	}
	dec := new(mime.WordDecoder)
	l := Letter{ID: id}
	l.Subject, _ = dec.DecodeHeader(msg.Header.Get("Subject"))
	l.To, _ = dec.DecodeHeader(msg.Header.Get("To"))
	l.Date, _ = msg.Header.Date()
	err = readParts(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, &l)
	return l, err
}

func readParts(contentType, encoding string, body io.Reader, l *Letter) error {
	media, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("sandbox: letter %s: %w", l.ID, err)
	}
	if strings.HasPrefix(media, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			part, err := r.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := readParts(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part, l); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	switch media {
	case "text/plain":
		l.Text = string(b)
	case "text/html":
		l.HTML = string(b)
	}
	return nil
}
