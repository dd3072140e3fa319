package cabinet

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/stretchr/testify/require"

	"b24pay/clock"
	"b24pay/mail"
	"b24pay/outbox"
	"b24pay/store"
)

const member = "member-a"

// cheapArgon keeps the tests fast; production uses argon2id.DefaultParams.
var cheapArgon = &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

type testBundle struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	clock *clock.Frozen
	cards *fakeCards
	svc   *Service
}

func setup(t *testing.T, db *store.DB) *testBundle {
	b := &testBundle{t: t, ctx: context.Background(), db: db, clock: clock.NewFrozen(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)),
		cards: &fakeCards{}}
	var err error
	b.svc, err = NewService(db, b.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), b.cards,
		Config{BaseURL: "https://cab.example.ru", Argon: cheapArgon})
	require.NoError(t, err)
	return b
}

func person(email string) RegisterInput {
	return RegisterInput{Profile: Profile{Kind: KindPerson, Name: "Иван Петров", Email: email, Phone: "8 (900) 123-45-67"},
		Password: "correct horse battery"}
}

var linkToken = regexp.MustCompile(`^https://cab\.example\.ru/cabinet/\w+\?token=([\w-]+)$`)

// letters are the e-mails queued in the outbox, oldest first.
func (b *testBundle) letters() []mail.Letter {
	b.t.Helper()
	var rows []outbox.Row
	require.NoError(b.t, b.db.Where("topic = ?", mail.Topic).Order("id").Find(&rows).Error)
	out := make([]mail.Letter, len(rows))
	for i, r := range rows {
		require.NoError(b.t, json.Unmarshal([]byte(r.Payload), &out[i]))
	}
	return out
}

// lastTo is the last e-mail queued to addr.
func (b *testBundle) lastTo(addr string) mail.Letter {
	b.t.Helper()
	ls := b.letters()
	for i := len(ls) - 1; i >= 0; i-- {
		if ls[i].To == addr {
			return ls[i]
		}
	}
	b.t.Fatalf("no e-mail to %s", addr)
	return mail.Letter{}
}

// tokenIn returns the token of the last link mailed to addr.
func (b *testBundle) tokenIn(addr string) string {
	b.t.Helper()
	m := b.lastTo(addr)
	sub := linkToken.FindStringSubmatch(m.Data.Link)
	require.NotNil(b.t, sub, m.Data.Link)
	v, err := url.QueryUnescape(sub[1])
	require.NoError(b.t, err)
	return v
}

// registered makes a verified account of email.
func (b *testBundle) registered(email string) Account {
	b.t.Helper()
	require.NoError(b.t, b.svc.Register(b.ctx, member, person(email), "198.51.100.1"))
	a, err := b.svc.Verify(b.ctx, b.tokenIn(email))
	require.NoError(b.t, err)
	return a
}

type fakeCards struct {
	mu      sync.Mutex
	matched []Profile
	updated []Card
	fail    error
	byPhone bool      // the card is found by phone only: not the client's own
	state   CardState // what Read answers
}

func (f *fakeCards) Match(_ context.Context, _ string, p Profile) (Card, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return Card{}, f.fail
	}
	f.matched = append(f.matched, p)
	return Card{Type: CardContact, ID: int64(100 + len(f.matched)), Own: !f.byPhone}, nil
}

func (f *fakeCards) Update(_ context.Context, _ string, c Card, _ Profile) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updated = append(f.updated, c)
	return nil
}

func (f *fakeCards) Read(context.Context, string, Card) (CardState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state, f.fail
}

var errTest = errors.New("bitrix24 is down")

func itoa(i int) string { return strconv.Itoa(i) }
