// Package sandbox wires `b24pay sandbox`: the real service on embedded SQLite, installed into a
// fake Bitrix24 portal seeded in Russian, with the provider fakes, a mailbox, a movable clock, a
// home page and a JSON control API under /sandbox/. It adds wiring and seed data only: every
// action goes through the production code paths. It is never part of `b24pay serve`.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"b24pay/app"
	"b24pay/billing/invoicebox/invoiceboxfake"
	"b24pay/billing/sbp/sbpfake"
	"b24pay/billing/yookassa/yookassafake"
	"b24pay/bitrix/b24fake"
	"b24pay/clock"
)

// Options of a sandbox.
type Options struct {
	Addr    string // where the service listens, e.g. 127.0.0.1:8080 (port 0 = any free port)
	DataDir string // the sandbox's database, secret key and mailbox
	Reset   bool   // wipe DataDir first
	Log     *slog.Logger
	// LogLevel and LogFormat are passed to the service's config (B24PAY_LOG_LEVEL/FORMAT).
	LogLevel, LogFormat string
}

// marker is the file that says a directory holds a sandbox (so --reset never wipes anything else).
const marker = ".b24pay-sandbox"

// Sandbox is one running sandbox.
type Sandbox struct {
	app     *app.App
	clock   *clock.Offset
	portal  *b24fake.Portal
	bank    *sbpfake.Bank
	ib      *invoiceboxfake.Server
	shop    *yookassafake.Shop
	ln      net.Listener
	url     string // the service's public URL
	portalU string // the fake portal's origin
	mailbox string
	servers []*http.Server
	seed    seed
	log     *slog.Logger
}

// URL is the sandbox home page.
func (s *Sandbox) URL() string { return s.url + "/sandbox/" }

// New prepares the data directory, starts the fakes and assembles the service (not yet serving).
func New(ctx context.Context, o Options) (*Sandbox, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := prepareDir(o.DataDir, o.Reset); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: listen on %s (--addr): %w", o.Addr, err)
	}
	s := &Sandbox{clock: clock.NewOffset(), ln: ln, log: o.Log, mailbox: filepath.Join(o.DataDir, "mailbox")}
	s.url = "http://" + net.JoinHostPort("127.0.0.1", fmt.Sprint(ln.Addr().(*net.TCPAddr).Port))
	fail := func(err error) (*Sandbox, error) {
		_ = ln.Close()
		s.close()
		return nil, err
	}
	env, err := s.startFakes()
	if err != nil {
		return fail(err)
	}
	env["B24PAY_DATA_DIR"], env["B24PAY_ADDR"], env["B24PAY_PUBLIC_URL"] = o.DataDir, ln.Addr().String(), s.url
	env["B24PAY_LOG_LEVEL"], env["B24PAY_LOG_FORMAT"] = o.LogLevel, o.LogFormat
	cfg, err := app.LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		return fail(err)
	}
	if s.app, err = app.New(ctx, cfg, o.Log, s.clock); err != nil {
		return fail(err)
	}
	s.mount(s.app.Router())
	return s, nil
}

// prepareDir creates dir, or wipes it on reset; a non-empty directory that is not a sandbox's is
// refused, and so is an earlier sandbox without reset (its portal lived in memory and is gone).
func prepareDir(dir string, reset bool) error {
	if dir == "" {
		return errors.New("sandbox: --data-dir must not be empty")
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist) || (err == nil && len(entries) == 0):
	case err != nil:
		return fmt.Errorf("sandbox: %w", err)
	case !isSandboxDir(dir):
		return fmt.Errorf("sandbox: %s is not empty and holds no sandbox; choose another --data-dir", dir)
	case !reset:
		return fmt.Errorf("sandbox: %s holds an earlier sandbox whose fake portal is gone (it lives in memory); "+
			"start with --reset to begin anew", dir)
	default:
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("sandbox: reset: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, marker), []byte("b24pay sandbox data; `b24pay sandbox --reset` wipes it\n"), 0o640)
}

func isSandboxDir(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, marker))
	return err == nil
}

// Fake credentials: they only ever reach the fakes of this process.
const (
	clientID, clientSecret = "local.b24pay.sandbox", "sandbox-client-secret"
	sbpMerchant, sbpSecret = "MA0000000001", "sandbox-sbp-secret"
	ibNotifyKey            = "sandbox-invoicebox-key"
	shopID, shopSecret     = "100500", "sandbox_yookassa_secret"
)

// startFakes starts the portal and the providers on loopback ports and returns the service's
// environment pointing at them.
func (s *Sandbox) startFakes() (map[string]string, error) {
	s.portal = b24fake.New(b24fake.Options{Domain: "sandbox.bitrix24.ru", ClientID: clientID, ClientSecret: clientSecret,
		Rate: 5, Burst: 250, Now: s.clock.Now}) // an Enterprise portal's limits
	s.bank = sbpfake.New(sbpfake.Config{SBPMerchantID: sbpMerchant, SecretKey: sbpSecret,
		NotificationURL: s.url + "/webhooks/sbp", Now: s.clock.Now})
	s.ib = invoiceboxfake.New(invoiceboxfake.Options{NotificationKey: ibNotifyKey, Now: s.clock.Now,
		NotificationURL: s.url + "/webhooks/invoicebox", PaymentPageURL: s.url + "/sandbox/pay/invoicebox/"})
	s.shop = yookassafake.New(yookassafake.Config{ShopID: shopID, SecretKey: shopSecret, Now: s.clock.Now,
		NotificationURL: s.url + "/webhooks/yookassa"})
	portalURL, err := s.listen(s.portalHandler())
	if err != nil {
		return nil, err
	}
	s.portalU = portalURL
	s.portal.SetBaseURL(portalURL)
	if s.seed, err = seedPortal(s.portal); err != nil {
		return nil, err
	}
	urls := map[string]string{}
	for name, h := range map[string]http.Handler{"sbp": s.bank, "invoicebox": s.ib, "yookassa": s.shop} {
		if urls[name], err = s.listen(h); err != nil {
			return nil, err
		}
	}
	return map[string]string{
		"B24PAY_B24_CLIENT_ID": clientID, "B24PAY_B24_CLIENT_SECRET": clientSecret,
		"B24PAY_B24_PORTAL_URL": portalURL, "B24PAY_B24_OAUTH_URL": portalURL, "B24PAY_B24_RATE": "5", "B24PAY_B24_BURST": "250",
		"B24PAY_ALLOW_PRIVATE_PROVIDER_HOSTS": "true", // the provider fakes listen on loopback
		"B24PAY_SBP_API_URL":                  urls["sbp"], "B24PAY_SBP_MERCHANT_ID": sbpMerchant, "B24PAY_SBP_SECRET_KEY": sbpSecret,
		"B24PAY_INVOICEBOX_API_URL": urls["invoicebox"], "B24PAY_INVOICEBOX_TOKEN": s.ib.Token(),
		"B24PAY_INVOICEBOX_MERCHANT_ID": s.ib.MerchantID(), "B24PAY_INVOICEBOX_NOTIFICATION_KEY": ibNotifyKey,
		"B24PAY_INVOICEBOX_VAT":   "22",
		"B24PAY_YOOKASSA_API_URL": urls["yookassa"], "B24PAY_YOOKASSA_SHOP_ID": shopID, "B24PAY_YOOKASSA_SECRET_KEY": shopSecret,
		"B24PAY_YOOKASSA_NOTIFY_IPS": "127.0.0.1/32", "B24PAY_MERCHANT_NAME": "ООО «Песочница»",
		"B24PAY_MAIL_FROM": "ООО «Песочница» <billing@sandbox.b24pay.local>",
	}, nil
}

// listen serves h on a free loopback port and returns its origin.
func (s *Sandbox) listen(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("sandbox: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	s.servers = append(s.servers, srv)
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

// Run serves until ctx ends. Once the service listens it installs the app into the portal (the
// real install flow) and calls ready with the home page's URL.
func (s *Sandbox) Run(ctx context.Context, ready func(url string)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var installErr error
	err := s.app.Serve(ctx, s.ln, func(net.Addr) {
		if installErr = s.install(ctx); installErr != nil {
			cancel()
			return
		}
		if ready != nil {
			ready(s.URL())
		}
	})
	s.close()
	return errors.Join(installErr, err)
}

// install opens the install page as the portal's admin, as Bitrix24 does after «Установить».
func (s *Sandbox) install(ctx context.Context) error {
	req, err := s.portal.AppPageRequest(s.url+"/b24/install", "", nil, s.seed.admin)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("sandbox: install: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("sandbox: install answered %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return s.settle(ctx)
}

// settle lets the portal deliver its events and the outbox deliver its side effects, until quiet.
func (s *Sandbox) settle(ctx context.Context) error {
	for range 50 {
		s.portal.Flush()
		n, err := s.app.DrainOutbox(ctx)
		if err != nil {
			return err
		}
		s.portal.Flush()
		if n == 0 {
			return nil
		}
	}
	return nil
}

func (s *Sandbox) close() {
	for _, srv := range s.servers {
		_ = srv.Close()
	}
	if s.bank != nil {
		s.bank.Close()
	}
}

// mount adds the home page and the control API to the service's router (only here: `serve`
// never calls this).
func (s *Sandbox) mount(r *gin.Engine) {
	h := s.handler()
	r.Any("/sandbox/*path", gin.WrapH(h))
}
