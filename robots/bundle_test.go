package robots

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/bitrix"
	"b24pay/bitrix/b24fake"
	"b24pay/clock"
	"b24pay/instalment"
	"b24pay/outbox"
	"b24pay/portal"
	"b24pay/secret"
	"b24pay/store"
	"b24pay/store/storetest"
)

// testBundle is the split robot against a fake portal that calls it back: the robot is
// registered with bizproc.robot.add and the portal POSTs the robot form to a handler that
// parses it and stores the run, as the app's handler does after verifying it.
type testBundle struct {
	t       *testing.T
	fake    *b24fake.Portal
	db      *store.DB
	clock   *clock.Frozen
	svc     *Service
	worker  *outbox.Worker
	cl      *bitrix.Client
	dealID  int
	company int
	handler string // the robot handler's URL
}

const testMember = "a1b2c3d4e5f6"

func setup(t *testing.T, dialect string) *testBundle {
	t.Helper()
	clk := clock.NewFrozen(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
	fake := b24fake.New(b24fake.Options{MemberID: testMember, ClientID: "local.b24pay.1", ClientSecret: "client-secret",
		ApplicationToken: "app-token-0451", Rate: 1000, Burst: 1000})
	fakeSrv := httptest.NewServer(fake)
	t.Cleanup(fakeSrv.Close)
	fake.SetBaseURL(fakeSrv.URL)

	db := storetest.New(t, dialect)
	box, err := secret.New([]byte("0123456789abcdef0123456789abcdef"))
	require.NoError(t, err)
	repo := portal.NewRepo(db, box, clk)
	access, refresh := fake.InstallTokens()
	ctx := context.Background()
	_, err = repo.SaveInstall(ctx, fake.Domain(), bitrix.Credentials{MemberID: testMember, ClientEndpoint: fake.ClientEndpoint(),
		ServerEndpoint: fake.ServerEndpoint(), AccessToken: access, RefreshToken: refresh, ExpiresAt: clk.Now().Add(time.Hour),
		ApplicationToken: "app-token-0451", UserID: 1})
	require.NoError(t, err)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clients := portal.NewClients(repo, bitrix.Config{ClientID: "local.b24pay.1", ClientSecret: "client-secret", Rate: 1000, Burst: 1000,
		Now: clk.Now}, portal.Endpoints{Client: fake.ClientEndpoint(), Server: fake.ServerEndpoint()}, log)
	moscow, _ := time.LoadLocation("Europe/Moscow")
	inst := instalment.NewService(db, clk, repo, clients, log, instalment.Config{Location: moscow, RemindDays: 3})
	b := &testBundle{t: t, fake: fake, db: db, clock: clk, svc: NewService(db, clk, moscow, repo, clients, inst, log)}
	b.worker = outbox.NewWorker(db, clk, log, outbox.Config{}, nil)
	b.svc.Register(b.worker)
	b.cl, err = clients.For(ctx, testMember)
	require.NoError(t, err)

	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := bitrix.ParseRobotRequest(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := b.svc.AcceptRobot(r.Context(), testMember, req); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(handler.Close)
	b.handler = handler.URL
	require.NoError(t, portal.EnsureRobots(ctx, b.cl, []portal.Robot{SplitRobot(handler.URL, 1)}))

	b.company, err = fake.AddItem(4, map[string]any{"TITLE": "ООО «Ромашка»"})
	require.NoError(t, err)
	b.dealID, err = fake.AddItem(2, map[string]any{"TITLE": "Поставка оборудования", "OPPORTUNITY": "120000.00",
		"CURRENCY_ID": "RUB", "COMPANY_ID": b.company, "ASSIGNED_BY_ID": 2})
	require.NoError(t, err)
	return b
}

// mixedVATRows are three product rows: 22 %, 10 % and without VAT.
var mixedVATRows = []map[string]any{
	{"productName": "Станок токарный", "price": "100000.00", "quantity": 1, "taxRate": 22, "taxIncluded": "Y"},
	{"productName": "Книга «Токарное дело»", "price": "333.33", "quantity": 3, "taxRate": 10, "taxIncluded": "Y"},
	{"productName": "Доставка", "price": "1500.01", "quantity": 1, "taxIncluded": "Y"},
}

// addInvoice creates a smart invoice of the deal with product rows.
func (b *testBundle) addInvoice(fields map[string]any, rows []map[string]any) int {
	b.t.Helper()
	base := map[string]any{"title": "Счёт на оборудование", "currencyId": "RUB", "parentId2": b.dealID, "companyId": b.company,
		"assignedById": 2}
	for k, v := range fields {
		base[k] = v
	}
	id, err := b.fake.AddItem(SmartInvoiceType, base)
	require.NoError(b.t, err)
	_, err = b.cl.ProductRowsSet(context.Background(), "SI", bitrix.ID(id), rows)
	require.NoError(b.t, err)
	return id
}

// run fires the robot for a document the way Bitrix24 does and returns its event token.
func (b *testBundle) run(doc string, props map[string]string) string {
	b.t.Helper()
	docClass := `Bitrix\Crm\Integration\BizProc\Document\SmartInvoice`
	if strings.HasPrefix(doc, "DEAL_") {
		docClass = "CCrmDocumentDeal"
	}
	token, err := b.fake.RunRobot(SplitCode, [3]string{"crm", docClass, doc}, props)
	require.NoError(b.t, err)
	return token
}

// drain runs the outbox until nothing is due.
func (b *testBundle) drain() {
	b.t.Helper()
	_, err := b.worker.Drain(context.Background())
	require.NoError(b.t, err)
}

// reply is what the business process got back.
func (b *testBundle) reply(token string) b24fake.RobotReply {
	b.t.Helper()
	r, ok := b.fake.RobotReply(token)
	require.True(b.t, ok, "the business process got an answer")
	return r
}

// parts lists the invoices made by splits, in id order.
func (b *testBundle) parts() []map[string]any {
	var out []map[string]any
	for _, it := range b.fake.Items(SmartInvoiceType) {
		if x, _ := it["xmlId"].(string); strings.HasPrefix(x, partPrefix) {
			out = append(out, it)
		}
	}
	return out
}

func (b *testBundle) runs() []Run {
	var runs []Run
	require.NoError(b.t, b.db.Order("id").Find(&runs).Error)
	return runs
}

// form is a robot call's form as Bitrix24 sends it, for replaying a delivery by hand.
func (b *testBundle) form(token, doc string, props map[string]string) url.Values {
	access, _ := b.fake.InstallTokens()
	f := url.Values{"workflow_id": {"wf-1"}, "code": {SplitCode}, "event_token": {token}, "use_subscription": {"Y"},
		"document_id[0]": {"crm"}, "document_id[1]": {`Bitrix\Crm\Integration\BizProc\Document\SmartInvoice`}, "document_id[2]": {doc},
		"auth[access_token]": {access}, "auth[domain]": {b.fake.Domain()}, "auth[member_id]": {testMember},
		"auth[application_token]": {"app-token-0451"}, "auth[user_id]": {"1"}}
	for k, v := range props {
		f.Set("properties["+k+"]", v)
	}
	return f
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}
