package b24fake_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// eventSink is an app endpoint that records the form bodies it receives.
type eventSink struct {
	mu    sync.Mutex
	forms []url.Values
	ctype []string
	url   string
}

func newSink(t *testing.T) *eventSink {
	t.Helper()
	s := &eventSink{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		vals, err := url.ParseQuery(string(body))
		require.NoError(t, err)
		s.mu.Lock()
		s.forms = append(s.forms, vals)
		s.ctype = append(s.ctype, r.Header.Get("Content-Type"))
		s.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	s.url = srv.URL + "/b24/events"
	return s
}

func (s *eventSink) received() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]url.Values(nil), s.forms...)
}

func (b *testBundle) bind(t *testing.T, event, handler string) {
	t.Helper()
	require.Equal(t, true, b.call(t, "event.bind", map[string]any{"event": event, "handler": handler}).ok(t))
}

func TestEventDeliveryFormat(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sink := newSink(t)
	b.bind(t, "ONCRMDYNAMICITEMUPDATE", sink.url)
	id := b.addInvoice(t, map[string]any{"title": "A"})
	b.call(t, "crm.item.update", map[string]any{"entityTypeId": 31, "id": id, "fields": map[string]any{"title": "B"}}).ok(t)
	b.p.Flush()
	forms := sink.received()
	require.Len(t, forms, 1)
	f := forms[0]
	require.Equal(t, "ONCRMDYNAMICITEMUPDATE", f.Get("event"))
	require.Equal(t, "1", f.Get("event_handler_id"))
	require.Equal(t, "1", f.Get("data[FIELDS][ID]"))
	require.Equal(t, "31", f.Get("data[FIELDS][ENTITY_TYPE_ID]"))
	require.NotEmpty(t, f.Get("ts"))
	require.Equal(t, b.p.ApplicationToken(), f.Get("auth[application_token]"))
	require.Equal(t, b.p.MemberID(), f.Get("auth[member_id]"))
	require.Equal(t, b.srv.URL+"/rest/", f.Get("auth[client_endpoint]"))
	require.NotEmpty(t, f.Get("auth[access_token]"))
	require.Equal(t, "application/x-www-form-urlencoded", sink.ctype[0])
	b.callAs(t, f.Get("auth[access_token]"), "profile", nil).ok(t)
}

func TestEventsFireOnlyForRealChanges(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sink := newSink(t)
	b.bind(t, "ONCRMDEALUPDATE", sink.url)
	b.bind(t, "ONCRMDEALADD", sink.url)
	id := b.call(t, "crm.deal.add", map[string]any{"fields": map[string]any{"TITLE": "A"}}).ok(t)
	b.call(t, "crm.deal.update", map[string]any{"id": id, "fields": map[string]any{"TITLE": "A"}}).ok(t)
	b.call(t, "crm.item.update", map[string]any{"entityTypeId": 2, "id": id, "fields": map[string]any{"title": "B"}}).ok(t)
	b.p.Flush()
	var names []string
	for _, f := range sink.received() {
		names = append(names, f.Get("event"))
	}
	require.Equal(t, []string{"ONCRMDEALADD", "ONCRMDEALUPDATE"}, names, "an update that changes nothing fires nothing")
}

func TestSimulatedUserAndAutomationChanges(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sink := newSink(t)
	b.bind(t, "ONCRMDYNAMICITEMUPDATE", sink.url)
	id := b.addInvoice(t, nil)
	require.NoError(t, b.p.UserUpdateItem(31, id, map[string]any{"stageId": "DT31_1:S"}))
	require.NoError(t, b.p.AutomationUpdateItem(31, id, map[string]any{"stageId": "DT31_1:P"}))
	b.p.Flush()
	forms := sink.received()
	require.Len(t, forms, 2)
	require.NotEmpty(t, forms[0].Get("auth[access_token]"))
	require.Empty(t, forms[1].Get("auth[access_token]"), "robot changes carry no tokens")
	require.Equal(t, b.p.ApplicationToken(), forms[1].Get("auth[application_token]"))
	item, ok := b.p.Item(31, id)
	require.True(t, ok)
	require.Equal(t, "DT31_1:P", item["stageId"])
	require.Equal(t, "DT31_1:S", item["previousStageId"])
}

func TestDropEvents(t *testing.T) {
	t.Parallel()
	run := func() (int, int) {
		b := setup(t)
		sink := newSink(t)
		b.bind(t, "ONCRMDYNAMICITEMUPDATE", sink.url)
		id, err := b.p.AddItem(31, nil)
		require.NoError(t, err)
		b.p.DropEvents(0.3, 42)
		for i := range 200 {
			require.NoError(t, b.p.UserUpdateItem(31, id, map[string]any{"title": i}))
		}
		b.p.Flush()
		require.Equal(t, b.p.EventsDelivered(), len(sink.received()))
		require.Equal(t, 200, b.p.EventsDelivered()+b.p.EventsDropped())
		dropped := 0
		for _, e := range b.p.DeliveredEvents() {
			if e.Dropped {
				dropped++
			}
		}
		require.Equal(t, b.p.EventsDropped(), dropped)
		return b.p.EventsDelivered(), b.p.EventsDropped()
	}
	delivered, dropped := run()
	require.InDelta(t, 60, dropped, 25)
	d2, _ := run()
	require.Equal(t, delivered, d2, "the same seed drops the same events")
}

func TestEventBindingRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.call(t, "event.bind", map[string]any{"event": "ONNOSUCHTHING", "handler": "https://x"}).failed(t, 400, "ERROR_EVENT_NOT_FOUND")
	b.bind(t, "onCrmDealUpdate", "https://app.example/ev")
	b.call(t, "event.bind", map[string]any{"event": "ONCRMDEALUPDATE", "handler": "https://app.example/ev"}).failed(t, 400, "")
	got := list(t, b.call(t, "event.get", nil).ok(t))
	require.Equal(t, "ONCRMDEALUPDATE", obj(t, got[0])["event"])
	res := obj(t, b.call(t, "event.unbind", map[string]any{"event": "ONCRMDEALUPDATE", "handler": "https://app.example/ev"}).ok(t))
	require.Equal(t, "1", rawJSON(t, res["count"]))
	require.Empty(t, b.p.EventBindings())
	manager, _ := b.p.TokensFor(2)
	b.callAs(t, manager, "event.bind", map[string]any{"event": "ONCRMDEALUPDATE", "event_type": "offline"}).failed(t, 403, "ACCESS_DENIED")
}

func TestNoEventsWhileNotInstalled(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sink := newSink(t)
	b.bind(t, "ONCRMDYNAMICITEMADD", sink.url)
	b.p.SetInstalled(false)
	require.Equal(t, false, obj(t, b.call(t, "app.info", nil).ok(t))["INSTALLED"])
	b.addInvoice(t, nil)
	b.p.Flush()
	require.Empty(t, sink.received())
}

func TestInstallAndUninstallEvents(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sink := newSink(t)
	require.NoError(t, b.p.SendAppInstall(sink.url))
	require.NoError(t, b.p.SendAppUninstall(sink.url, true))
	forms := sink.received()
	require.Equal(t, "ONAPPINSTALL", forms[0].Get("event"))
	require.NotEmpty(t, forms[0].Get("auth[refresh_token]"))
	require.Equal(t, "Y", forms[0].Get("data[INSTALLED]"))
	require.Equal(t, "ONAPPUNINSTALL", forms[1].Get("event"))
	require.Equal(t, "1", forms[1].Get("data[CLEAN]"))
	require.Empty(t, forms[1].Get("auth[access_token]"))
	require.Equal(t, b.p.ApplicationToken(), forms[1].Get("auth[application_token]"))
}

func TestAppPageRequest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	req, err := b.p.AppPageRequest("https://pay.example.ru/b24/deal-tab", "CRM_DEAL_DETAIL_TAB", map[string]any{"ID": "8061"}, 2)
	require.NoError(t, err)
	require.Equal(t, "0", req.URL.Query().Get("PROTOCOL"))
	require.NoError(t, req.ParseForm())
	require.Equal(t, `{"ID":"8061"}`, req.PostForm.Get("PLACEMENT_OPTIONS"))
	require.Equal(t, b.p.MemberID(), req.PostForm.Get("member_id"))
	user := obj(t, b.callAs(t, req.PostForm.Get("AUTH_ID"), "user.current", nil).ok(t))
	require.Equal(t, "2", user["ID"])
}
