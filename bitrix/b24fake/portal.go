package b24fake

import (
	"math/rand"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configure a Portal. Zero values get the defaults documented on each field.
type Options struct {
	Domain            string        // portal host shown in payloads; default "example.bitrix24.ru"
	MemberID          string        // default a fixed 32-hex string
	ClientID          string        // checked by the OAuth endpoint; default "local.fake.1"
	ClientSecret      string        // default "secret"
	ApplicationToken  string        // sent as auth[application_token]; default a fixed 32-hex string
	Scope             []string      // granted scopes; empty grants every scope
	Rate              float64       // leaky bucket drain per second; default 2
	Burst             int           // bucket size X; default 50 (rejects once the level exceeds X)
	TokenTTL          time.Duration // access token lifetime; default 1h
	InvoiceCategoryID int           // default smart-invoice pipeline id; default 1
	AutoPaidStage     bool          // paying every payment of an invoice moves it to its P stage
	// Now drives token expiry, timestamps and operation-time limits; default time.Now.
	// The leaky bucket always runs on real time.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Domain == "" {
		o.Domain = "example.bitrix24.ru"
	}
	if o.MemberID == "" {
		o.MemberID = "9f3a1c5e7b2d4f6a8c0e1b3d5f7a9c2e"
	}
	if o.ClientID == "" {
		o.ClientID = "local.fake.1"
	}
	if o.ClientSecret == "" {
		o.ClientSecret = "secret"
	}
	if o.ApplicationToken == "" {
		o.ApplicationToken = "3b9d2e7f4a1c6b8d0e2f4a6c8e0b2d4f"
	}
	if o.Rate <= 0 {
		o.Rate = 2
	}
	if o.Burst <= 0 {
		o.Burst = 50
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = time.Hour
	}
	if o.InvoiceCategoryID <= 0 {
		o.InvoiceCategoryID = 1
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Portal is one fake Bitrix24 portal with the local application installed.
type Portal struct {
	opts Options

	ctl      sync.Mutex // counters, faults, tokens, bucket, base URL
	baseURL  string
	moved    bool
	counters counters
	faults   faults
	denied   map[string]bool // DenyAccess
	bucket   leakyBucket
	tokens   tokenStore
	load     *loadState // nil unless SetLoad

	mu         sync.Mutex // portal data
	state      *state
	readDenied map[readKey]bool // see access.go

	events eventQueue
}

// New returns a portal with the default users, pipelines and stages.
func New(opts Options) *Portal {
	opts = opts.withDefaults()
	p := &Portal{opts: opts, baseURL: "https://" + opts.Domain}
	p.counters = newCounters()
	p.bucket = leakyBucket{rate: opts.Rate, size: float64(opts.Burst), clock: time.Now}
	p.tokens = newTokenStore()
	p.state = newState(opts)
	p.events = newEventQueue()
	p.events.rnd = rand.New(rand.NewSource(1))
	return p
}

// SetBaseURL tells the portal the URL it is served on (scheme://host[:port]).
func (p *Portal) SetBaseURL(u string) {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	p.baseURL = strings.TrimRight(u, "/")
}

func (p *Portal) base() string {
	p.ctl.Lock()
	defer p.ctl.Unlock()
	return p.baseURL
}

// ClientEndpoint is the portal REST root, <base>/rest/.
func (p *Portal) ClientEndpoint() string { return p.base() + "/rest/" }

// ServerEndpoint is the OAuth server REST root; the fake serves the OAuth server itself.
func (p *Portal) ServerEndpoint() string { return p.base() + "/rest/" }

// Domain is the portal host as Bitrix24 reports it in auth[domain].
func (p *Portal) Domain() string {
	b := p.base()
	if i := strings.Index(b, "://"); i >= 0 {
		return b[i+3:]
	}
	return b
}

// MemberID is the stable portal id.
func (p *Portal) MemberID() string { return p.opts.MemberID }

// ApplicationToken is the secret sent with every event.
func (p *Portal) ApplicationToken() string { return p.opts.ApplicationToken }

func (p *Portal) now() time.Time { return p.opts.Now() }

// ServeHTTP serves /rest/<method>[.json] and /oauth/token/.
func (p *Portal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, "/oauth/token"):
		p.serveToken(w, r)
	case strings.HasPrefix(path, "/rest/"):
		p.serveREST(w, r, strings.TrimPrefix(path, "/rest/"))
	default:
		http.NotFound(w, r)
	}
}
