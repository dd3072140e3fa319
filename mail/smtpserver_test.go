package mail

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"
)

// smtpServer is a real SMTP server in-process (STARTTLS, PLAIN auth) that keeps what it receives.
type smtpServer struct {
	addr    string
	port    int
	roots   *x509.CertPool
	mu      sync.Mutex
	got     []received
	failing int // answer 451 to the next DATA commands
}

type received struct {
	from, user string
	to         []string
	data       []byte
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	// Borrow httptest's certificate for 127.0.0.1 rather than committing a key.
	certSrv := httptest.NewTLSServer(nil)
	cert := certSrv.TLS.Certificates[0]
	roots := x509.NewCertPool()
	roots.AddCert(certSrv.Certificate())
	certSrv.Close()

	s := &smtpServer{roots: roots}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s.addr, s.port = "127.0.0.1", ln.Addr().(*net.TCPAddr).Port
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

func (s *smtpServer) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: s}, nil }

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

type smtpSession struct {
	srv *smtpServer
	cur received
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "billing" || pass != "s3cret" {
			return errors.New("bad credentials")
		}
		s.cur.user = user
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.cur.user == "" {
		return smtp.ErrAuthRequired
	}
	s.cur.from = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	if s.srv.failing > 0 {
		s.srv.failing--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.cur.data = bytes.Clone(b)
	s.srv.got = append(s.srv.got, s.cur)
	return nil
}

func (s *smtpSession) Reset()        { user := s.cur.user; s.cur = received{user: user} }
func (s *smtpSession) Logout() error { return nil }
