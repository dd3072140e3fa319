package bitrix_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/bitrix"
	"b24pay/bitrix/b24fake"
)

// fakeBundle is a fake portal on loopback and a Client for it.
type fakeBundle struct {
	portal *b24fake.Portal
	srv    *httptest.Server
	cfg    bitrix.Config
	saved  chan bitrix.Credentials
}

func setupFake(t testing.TB, rate float64, burst int) *fakeBundle {
	t.Helper()
	p := b24fake.New(b24fake.Options{ClientID: "local.1", ClientSecret: "s", Rate: rate, Burst: burst})
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	p.SetBaseURL(srv.URL)
	return &fakeBundle{
		portal: p, srv: srv, saved: make(chan bitrix.Credentials, 100),
		cfg: bitrix.Config{
			ClientID: "local.1", ClientSecret: "s",
			// Two requests of headroom below the portal's bucket absorb
			// the delay between our grant and the portal's count (up to
			// 2/rate seconds of jitter, 100 ms at 20/s).
			Rate: rate, Burst: max(burst-2, 1),
			RetryBase: 5 * time.Millisecond, RetryMax: 50 * time.Millisecond,
			OperationPause: 50 * time.Millisecond,
			Limiters:       bitrix.NewLimiters(),
		},
	}
}

func (b *fakeBundle) credentials() bitrix.Credentials {
	access, refresh := b.portal.InstallTokens()
	return bitrix.Credentials{
		MemberID: b.portal.MemberID(), ClientEndpoint: b.portal.ClientEndpoint(),
		ServerEndpoint: b.portal.ServerEndpoint(), AccessToken: access, RefreshToken: refresh,
		ApplicationToken: b.portal.ApplicationToken(),
	}
}

func (b *fakeBundle) client(t testing.TB, opts ...bitrix.Option) *bitrix.Client {
	t.Helper()
	c, err := bitrix.New(b.cfg, b.credentials(), func(_ context.Context, c bitrix.Credentials) error {
		b.saved <- c
		return nil
	}, opts...)
	require.NoError(t, err)
	return c
}

func addItem(t testing.TB, p *b24fake.Portal, entityTypeID int, fields map[string]any) int {
	t.Helper()
	id, err := p.AddItem(entityTypeID, fields)
	require.NoError(t, err)
	return id
}

func TestFakeTwentyConcurrentCallersWithAnExpiredTokenRefreshOnce(t *testing.T) {
	t.Parallel()
	b := setupFake(t, 1000, 1000)
	c := b.client(t)
	b.portal.ExpireAccessTokens()
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := c.Call(context.Background(), "app.info", nil)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, 1, b.portal.Refreshes())
	require.Len(t, b.saved, 1)
	saved := <-b.saved
	require.Equal(t, c.Credentials(), saved)
	require.NotEqual(t, b.credentials().RefreshToken, "", "sanity")

	b.portal.RevokeRefreshTokens()
	b.portal.ExpireAccessTokens()
	for range 2 {
		_, err := c.Call(context.Background(), "app.info", nil)
		require.ErrorIs(t, err, bitrix.ErrInvalidGrant)
	}
	require.Equal(t, 1, b.portal.Refreshes(), "a failed refresh is not repeated")
}

func TestFakeRateLimitNeverSurfacesAndTheBucketIsRespected(t *testing.T) {
	t.Parallel()
	b := setupFake(t, 20, 10)
	c := b.client(t)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Go(func() {
			_, err := c.Call(context.Background(), "crm.item.add", map[string]any{
				"entityTypeId": 2, "fields": map[string]any{"title": fmt.Sprint("Сделка ", i)},
			})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Zero(t, b.portal.Rejected503())
	require.Len(t, b.portal.Items(2), 40)
}

func TestFakeInjectedQueryLimitIsRetriedNotReturned(t *testing.T) {
	t.Parallel()
	b := setupFake(t, 1000, 1000)
	c := b.client(t)
	b.portal.FailNext("crm.item.add", 3, "QUERY_LIMIT_EXCEEDED", 0)
	it, err := c.ItemAdd(context.Background(), 31, map[string]any{"title": "Счёт", "opportunity": "5000.00", "currencyId": "RUB"})
	require.NoError(t, err)
	require.Positive(t, int64(it.ID))
	require.Equal(t, 4, b.portal.Requests("crm.item.add"))
	require.Len(t, b.portal.Items(31), 1, "the add ran once")
}

func TestFakeServerErrorsRetriedOnlyForIdempotentCalls(t *testing.T) {
	t.Parallel()
	b := setupFake(t, 1000, 1000)
	c := b.client(t)
	b.portal.FailNext("crm.item.add", 1, "", 502)
	_, err := c.ItemAdd(context.Background(), 31, map[string]any{"title": "x"})
	require.ErrorIs(t, err, bitrix.ErrBadResponse)
	require.Empty(t, b.portal.Items(31))

	id := addItem(t, b.portal, 31, map[string]any{"title": "seed"})
	b.portal.FailNext("crm.item.get", 2, "", 503)
	it, err := c.ItemGet(context.Background(), 31, bitrix.ID(id))
	require.NoError(t, err)
	require.Equal(t, bitrix.ID(id), it.ID)
}

func TestFakeOperationTimeLimitPausesTheMethod(t *testing.T) {
	t.Parallel()
	b := setupFake(t, 1000, 1000)
	c := b.client(t)
	b.portal.OperationTimeLimit("crm.item.list", time.Now().Add(150*time.Millisecond))
	_, err := c.CallIdempotent(context.Background(), "crm.item.list", map[string]any{"entityTypeId": 31})
	require.NoError(t, err)
	require.GreaterOrEqual(t, b.portal.Requests("crm.item.list"), 2)
}

func TestFakeBatchWithReferencesAndPartialFailures(t *testing.T) {
	t.Parallel()
	b := setupFake(t, 1000, 1000)
	c := b.client(t)
	batch := (&bitrix.Batch{}).
		Add("i1", "crm.item.add", map[string]any{"entityTypeId": 31, "fields": map[string]any{
			"title": "Счёт 1/2", "opportunity": "5000.00", "currencyId": "RUB", "isManualOpportunity": "Y",
		}}).
		Add("r1", "crm.item.productrow.set", map[string]any{"ownerType": "SI", "ownerId": bitrix.Ref("i1", "item", "id"),
			"productRows": []map[string]any{{"productName": "Part 1 & co", "price": "5000.00", "quantity": 1}}}).
		Add("bad", "crm.item.get", map[string]any{"entityTypeId": 31, "id": 999999}).
		Add("g1", "crm.item.get", map[string]any{"entityTypeId": 31, "id": bitrix.Ref("i1", "item", "id")})
	res, err := c.Batch(context.Background(), batch)
	var be *bitrix.BatchError
	require.ErrorAs(t, err, &be)
	require.ErrorIs(t, err, bitrix.ErrNotFound)
	require.Len(t, be.Errors, 1)
	require.Contains(t, be.Errors, "bad")

	var added, got struct{ Item struct{ ID bitrix.ID } }
	require.NoError(t, res.Decode("i1", &added))
	require.NoError(t, res.Decode("g1", &got))
	require.Equal(t, added.Item.ID, got.Item.ID)
	rows := b.portal.ProductRows("SI", int(added.Item.ID))
	require.Len(t, rows, 1)
	require.Equal(t, "Part 1 & co", rows[0]["productName"])
	require.Equal(t, 1, b.portal.Requests("batch"))
}

func TestFakeBatchChunkedSplitsIntoFifties(t *testing.T) {
	t.Parallel()
	b := setupFake(t, 1000, 1000)
	c := b.client(t)
	cmds := make([]bitrix.Command, 120)
	for i := range cmds {
		cmds[i] = bitrix.ItemAddCommand(fmt.Sprint("a", i), 2, map[string]any{"title": fmt.Sprint("Сделка ", i)})
	}
	res, err := c.BatchChunked(context.Background(), cmds)
	require.NoError(t, err)
	require.Len(t, res.Results, 120)
	require.Equal(t, 3, b.portal.Requests("batch"))
	require.Len(t, b.portal.Items(2), 120)
}

func TestFakeTraversalOfTenThousandItemsTakesAtMostTenRequests(t *testing.T) {
	t.Parallel()
	b := setupFake(t, 1000, 1000)
	for i := range 10000 {
		addItem(t, b.portal, 31, map[string]any{"title": fmt.Sprint("Счёт ", i)})
	}
	c := b.client(t)
	before := b.portal.TotalRequests()
	var ids []bitrix.ID
	err := c.ItemList(context.Background(), 31, nil, []string{"title"}, func(it *bitrix.Item) error {
		ids = append(ids, it.ID)
		return nil
	})
	require.NoError(t, err)
	require.Len(t, ids, 10000)
	for i := 1; i < len(ids); i++ {
		require.Greater(t, ids[i], ids[i-1], "ascending, no duplicates")
	}
	requests := b.portal.TotalRequests() - before
	t.Logf("10 000 items in %d requests", requests)
	require.LessOrEqual(t, requests, 10)
}

func TestItemFindIsOnePlainListCall(t *testing.T) {
	t.Parallel()
	b := setupFake(t, 1000, 1000)
	for i := range 3 {
		addItem(t, b.portal, 31, map[string]any{"title": fmt.Sprint("Счёт ", i), "xmlId": fmt.Sprint("b24pay-inv-", i)})
	}
	c := b.client(t)
	var found []bitrix.ID
	err := c.ItemFind(context.Background(), 31, map[string]any{"=xmlId": "b24pay-inv-1"}, []string{"id"}, func(it *bitrix.Item) error {
		found = append(found, it.ID)
		return nil
	})
	require.NoError(t, err)
	require.Len(t, found, 1)
	require.Equal(t, 1, b.portal.Calls("crm.item.list"), "one list call, not 50 chained ones")
	require.Zero(t, b.portal.Requests("batch"))
}

func TestFakePageTraversalHonoursTheCallerFilter(t *testing.T) {
	t.Parallel()
	b := setupFake(t, 1000, 1000)
	for i := range 130 {
		addItem(t, b.portal, 2, map[string]any{"title": fmt.Sprint("Сделка ", i), "opportunity": i % 2})
	}
	c := b.client(t)
	n := 0
	err := c.Each(context.Background(), bitrix.ListQuery{
		Method: "crm.item.list",
		Params: map[string]any{"entityTypeId": 2, "filter": map[string]any{"=opportunity": 1}},
	}, func(row json.RawMessage) error {
		n++
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, 65, n)
	require.Equal(t, 2, b.portal.Requests("crm.item.list"))
}

func TestFakeDomainChangeIsFollowedAndReported(t *testing.T) {
	t.Parallel()
	b := setupFake(t, 1000, 1000)
	c := b.client(t)
	moved := httptest.NewServer(b.portal)
	t.Cleanup(moved.Close)
	b.portal.MoveDomain(moved.URL)
	it, err := c.ItemAdd(context.Background(), 31, map[string]any{"title": "после переезда"})
	require.NoError(t, err)
	require.Positive(t, int64(it.ID))
	require.Equal(t, moved.URL+"/rest/", c.Credentials().ClientEndpoint)
	require.Equal(t, moved.URL+"/rest/", (<-b.saved).ClientEndpoint)
	require.Len(t, b.portal.Items(31), 1)
}

func TestFakeRequestsParseWithTheDocumentedParsers(t *testing.T) {
	t.Parallel()
	b := setupFake(t, 1000, 1000)
	got := make(chan *bitrix.Event, 1)
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e, err := bitrix.ParseEventRequest(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got <- e
	}))
	t.Cleanup(handler.Close)
	require.NoError(t, b.portal.SendAppInstall(handler.URL))
	e := <-got
	require.Equal(t, "ONAPPINSTALL", e.Name)
	require.NoError(t, e.Auth.VerifyApplicationToken(b.portal.ApplicationToken()))
	creds := e.Auth.Credentials(time.Now())
	require.Equal(t, b.portal.MemberID(), creds.MemberID)
	require.NotEmpty(t, creds.RefreshToken)

	r, err := b.portal.AppPageRequest("https://app.example/b24/deal-tab", "CRM_DEAL_DETAIL_TAB", map[string]any{"ID": "8061"}, 1)
	require.NoError(t, err)
	a, err := bitrix.ParseAppRequest(r)
	require.NoError(t, err)
	require.NoError(t, a.VerifyApplicationToken(b.portal.ApplicationToken()))
	tgt, err := a.Target()
	require.NoError(t, err)
	require.Equal(t, bitrix.Target{EntityTypeID: 2, ID: 8061}, tgt)
}

func TestFakeRobotCallParsesAndReplies(t *testing.T) {
	t.Parallel()
	b := setupFake(t, 1000, 1000)
	c := b.client(t)
	calls := make(chan *bitrix.RobotRequest, 1)
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rr, err := bitrix.ParseRobotRequest(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		calls <- rr
	}))
	t.Cleanup(handler.Close)
	require.NoError(t, c.RobotAdd(context.Background(), map[string]any{
		"CODE": "split_invoice", "HANDLER": handler.URL, "AUTH_USER_ID": 1, "USE_SUBSCRIPTION": "Y",
		"NAME":          map[string]string{"ru": "Разбить счёт на части"},
		"DOCUMENT_TYPE": []string{"crm", `Bitrix\Crm\Integration\BizProc\Document\SmartInvoice`, "SMART_INVOICE"},
		"PROPERTIES":    map[string]any{"parts": map[string]any{"Name": map[string]string{"ru": "Частей"}, "Type": "int"}},
	}))
	inv := addItem(t, b.portal, 31, map[string]any{"title": "Счёт"})
	token, err := b.portal.RunRobot("split_invoice",
		[3]string{"crm", `Bitrix\Crm\Integration\BizProc\Document\SmartInvoice`, fmt.Sprint("SMART_INVOICE_", inv)},
		map[string]string{"parts": "3"})
	require.NoError(t, err)
	b.portal.Flush()
	rr := <-calls
	require.Equal(t, token, rr.EventToken)
	require.Equal(t, "3", rr.Property("parts"))
	doc, err := rr.Document()
	require.NoError(t, err)
	require.Equal(t, bitrix.Target{EntityTypeID: 31, ID: bitrix.ID(inv)}, doc)
	require.NoError(t, rr.Auth.VerifyApplicationToken(b.portal.ApplicationToken()))
	require.NoError(t, c.RobotReply(context.Background(), rr.EventToken, map[string]any{"ok": "Y"}, "Готово"))
	_, replied := b.portal.RobotReply(token)
	require.True(t, replied)
}
