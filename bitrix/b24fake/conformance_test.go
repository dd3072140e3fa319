package b24fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/portal"
)

// Conformance: testdata/conformance holds, for every method b24pay calls, the docs page it was
// checked against and one real-shaped request and answer taken from that page's example (trimmed to
// the fields b24pay reads). The fake must give the same status and shape; bitrix/conformance_test.go
// and portal/conformance_test.go make the app parse the same answers.

// conformanceRow is one file of testdata/conformance.
type conformanceRow struct {
	Method   string          `json:"method"`
	Doc      string          `json:"doc"`
	Request  map[string]any  `json:"request"`
	Status   int             `json:"status"`
	Answer   json.RawMessage `json:"answer"`
	Sentinel string          `json:"sentinel"`
}

func loadConformance(t *testing.T) map[string]conformanceRow {
	t.Helper()
	files, err := filepath.Glob("testdata/conformance/*.json")
	require.NoError(t, err)
	rows := map[string]conformanceRow{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		var r conformanceRow
		require.NoError(t, json.Unmarshal(raw, &r), f)
		require.NotEmpty(t, r.Doc, f)
		rows[strings.TrimSuffix(filepath.Base(f), ".json")] = r
	}
	return rows
}

type conformancePortal struct {
	t      *testing.T
	p      *Portal
	access string
}

func newConformancePortal(t *testing.T) *conformancePortal {
	p := New(Options{ClientID: "local.1", ClientSecret: "s", Rate: 1e6, Burst: 1 << 30})
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	p.SetBaseURL(srv.URL)
	access, _ := p.InstallTokens()
	return &conformancePortal{t: t, p: p, access: access}
}

func (c *conformancePortal) raw(method string, params map[string]any) (int, map[string]any) {
	body := map[string]any{"auth": c.access}
	for k, v := range params {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	resp, err := http.Post(c.p.ClientEndpoint()+method, "application/json", bytes.NewReader(b))
	require.NoError(c.t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(c.t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

// must calls a set-up method and returns its result.
func (c *conformancePortal) must(method string, params map[string]any) any {
	status, out := c.raw(method, params)
	require.Equal(c.t, http.StatusOK, status, "%s: %v", method, out)
	return out["result"]
}

func (c *conformancePortal) id(v any, path ...string) int {
	for _, k := range path {
		v = v.(map[string]any)[k]
	}
	n, ok := asInt(v)
	require.True(c.t, ok, "%v", v)
	return n
}

// prepare creates what a row's request refers to and points the request at it.
var prepare = map[string]func(c *conformancePortal, req map[string]any){
	"crm.item.update":          withInvoice("id"),
	"crm.item.get":             withInvoice("id"),
	"crm.item.delete":          withInvoice("id"),
	"crm.item.productrow.set":  withInvoice("ownerId"),
	"crm.item.productrow.list": func(c *conformancePortal, req map[string]any) { withInvoiceRow(c, req["filter"].(map[string]any)) },
	"crm.item.list": func(c *conformancePortal, _ map[string]any) {
		c.must("crm.item.add", map[string]any{"entityTypeId": 31, "fields": map[string]any{"title": "Счёт", "xmlId": "b24pay-inv-1"}})
	},
	"crm.item.payment.get": func(c *conformancePortal, req map[string]any) {
		inv := c.id(c.must("crm.item.add", map[string]any{"entityTypeId": 31, "fields": map[string]any{"title": "Счёт", "opportunity": 100}}), "item", "id")
		id, err := c.p.AddPayment(31, inv, "100", 0)
		require.NoError(c.t, err)
		req["id"] = id
	},
	"crm.deal.update": withDeal,
	"crm.status.update": func(c *conformancePortal, req map[string]any) {
		rows := c.must("crm.status.list", map[string]any{"filter": map[string]any{"ENTITY_ID": "DEAL_STAGE", "SEMANTICS": "S"}}).([]any)
		req["id"] = rows[0].(map[string]any)["ID"]
	},
	"crm.deal.get": withDeal,
	"crm.lead.get": func(c *conformancePortal, req map[string]any) {
		req["id"] = c.id(c.must("crm.item.add", map[string]any{"entityTypeId": 1, "fields": map[string]any{"title": "Lead #1"}}), "item", "id")
	},
	"imopenlines.crm.chat.get": func(c *conformancePortal, _ map[string]any) { c.p.AddOpenLineChat("deal", 288, 1) },
	"imopenlines.crm.message.add": func(c *conformancePortal, req map[string]any) {
		req["CHAT_ID"] = c.p.AddOpenLineChat("lead", 1195, 27)
	},
	"imopenlines.crm.message.add.chat_not_in_crm": func(c *conformancePortal, _ map[string]any) { c.p.AddOpenLineChat("deal", 1195, 27) },
	"imopenlines.crm.chat.user.add": func(c *conformancePortal, req map[string]any) {
		req["CHAT_ID"] = c.p.AddOpenLineChat("lead", 1205)
	},
	"imopenlines.crm.chat.user.add.chat_not_in_crm": func(c *conformancePortal, req map[string]any) {
		req["CHAT_ID"] = c.p.AddOpenLineChat("deal", 1205)
	},
	"imopenlines.crm.chat.user.add.access_denied": func(c *conformancePortal, req map[string]any) {
		req["CHAT_ID"] = c.p.AddOpenLineChat("lead", 1205)
		c.p.DenyRead(503, 1, 1205)
	},
	"crm.timeline.comment.add": func(c *conformancePortal, req map[string]any) {
		req["fields"].(map[string]any)["ENTITY_ID"] = newDeal(c)
	},
	"crm.contact.get": withEntity(3, map[string]any{"name": "John", "lastName": "Smith", "email": []any{map[string]any{"VALUE": "j@example.ru", "VALUE_TYPE": "WORK"}}, "phone": []any{map[string]any{"VALUE": "+79990000000", "VALUE_TYPE": "WORK"}}}),
	"crm.company.get": withEntity(4, map[string]any{"title": "ООО Ромашка"}),
	"crm.requisite.list": func(c *conformancePortal, req map[string]any) {
		co := c.id(c.must("crm.item.add", map[string]any{"entityTypeId": 4, "fields": map[string]any{"title": "ООО"}}), "item", "id")
		c.must("crm.requisite.add", map[string]any{"fields": map[string]any{"ENTITY_TYPE_ID": 4, "ENTITY_ID": co, "PRESET_ID": 1, "NAME": "Реквизиты"}})
		req["filter"].(map[string]any)["ENTITY_ID"] = co
	},
	"crm.requisite.list.access_denied": func(c *conformancePortal, _ map[string]any) { c.p.DenyAccess("crm.requisite.list", true) },
	"crm.address.list": func(c *conformancePortal, req map[string]any) {
		co := c.id(c.must("crm.item.add", map[string]any{"entityTypeId": 4, "fields": map[string]any{"title": "ООО"}}), "item", "id")
		rq, _ := asInt(c.must("crm.requisite.add", map[string]any{"fields": map[string]any{"ENTITY_TYPE_ID": 4, "ENTITY_ID": co, "PRESET_ID": 1, "NAME": "Реквизиты"}}))
		c.must("crm.address.add", map[string]any{"fields": map[string]any{"TYPE_ID": 6, "ENTITY_TYPE_ID": 8, "ENTITY_ID": rq, "ADDRESS_1": "ул. Ленина, 1", "CITY": "Москва", "POSTAL_CODE": "101000", "COUNTRY": "Россия"}})
		req["filter"].(map[string]any)["ENTITY_ID"] = rq
	},
	// The client cabinet's card sync (issue 15).
	"crm.duplicate.findbycomm": func(c *conformancePortal, _ map[string]any) {
		withEntityID(c, 3, map[string]any{"name": "John", "phone": []any{map[string]any{"VALUE": "8976543", "VALUE_TYPE": "WORK"}}})
	},
	"crm.contact.update": withEntity(3, map[string]any{"name": "John"}),
	"crm.company.update": withEntity(4, map[string]any{"title": "ООО"}),
	"crm.requisite.add": func(c *conformancePortal, req map[string]any) {
		req["fields"].(map[string]any)["ENTITY_ID"] = newCompany(c)
	},
	"crm.requisite.update": func(c *conformancePortal, req map[string]any) { req["id"] = newRequisite(c) },
	"crm.address.add": func(c *conformancePortal, req map[string]any) {
		req["fields"].(map[string]any)["ENTITY_ID"] = newRequisite(c)
	},
	"crm.address.update": func(c *conformancePortal, req map[string]any) {
		rq := newRequisite(c)
		c.must("crm.address.add", map[string]any{"fields": map[string]any{"TYPE_ID": 6, "ENTITY_TYPE_ID": 8, "ENTITY_ID": rq, "ADDRESS_1": "4 Peace Avenue"}})
		req["fields"].(map[string]any)["ENTITY_ID"] = rq
	},
	"crm.type.list": func(c *conformancePortal, _ map[string]any) {
		c.must("crm.type.add", map[string]any{"fields": map[string]any{"title": "Платежи по графику"}})
	},
	"userfieldconfig.list": func(c *conformancePortal, _ map[string]any) {
		require.NoError(c.t, c.p.AddUserField("CRM_DEAL", "UF_CRM_DEAL_B24PAY_DEBT", "money", false))
	},
	"sale.paysystem.handler.list": func(c *conformancePortal, _ map[string]any) { withPaySystem(c) },
	"sale.paysystem.list":         func(c *conformancePortal, _ map[string]any) { withPaySystem(c) },
	"sale.paysystem.add":          func(c *conformancePortal, _ map[string]any) { c.must("sale.paysystem.handler.add", handlerExample(c)) },
	"sale.paysystem.pay.payment": func(c *conformancePortal, req map[string]any) {
		ps := withPaySystem(c)
		inv := c.id(c.must("crm.item.add", map[string]any{"entityTypeId": 31, "fields": map[string]any{"title": "Счёт", "opportunity": 100}}), "item", "id")
		id, err := c.p.AddPayment(31, inv, "100", ps)
		require.NoError(c.t, err)
		req["PAYMENT_ID"], req["PAY_SYSTEM_ID"] = id, ps
	},
	"placement.get": func(c *conformancePortal, _ map[string]any) {
		c.must("placement.bind", map[string]any{"PLACEMENT": "CRM_DEAL_DETAIL_TAB", "HANDLER": "https://pay.example.ru/b24/placement", "TITLE": "График платежей"})
	},
	"event.get": func(c *conformancePortal, _ map[string]any) {
		c.must("event.bind", map[string]any{"event": "ONCRMDEALUPDATE", "handler": "https://pay.example.ru/b24/events"})
	},
	"bizproc.event.send": func(c *conformancePortal, req map[string]any) {
		sink := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		c.t.Cleanup(sink.Close)
		c.must("bizproc.robot.add", map[string]any{"CODE": "split_invoice", "HANDLER": sink.URL, "AUTH_USER_ID": 1, "NAME": "Разделить счёт",
			"RETURN_PROPERTIES": map[string]any{"ok": map[string]any{"Type": "bool"}}})
		token, err := c.p.RunRobot("split_invoice", [3]string{"crm", `Bitrix\Crm\Integration\BizProc\Document\SmartInvoice`, "SMART_INVOICE_1"}, nil)
		require.NoError(c.t, err)
		req["EVENT_TOKEN"] = token
	},
	"app.option.get":       withAppOptions,
	"app.option.get.all":   withAppOptions,
	"bizproc.robot.list":   withRobot,
	"bizproc.robot.update": withRobot,
	"batch": func(c *conformancePortal, req map[string]any) {
		id := c.id(c.must("crm.item.add", map[string]any{"entityTypeId": 31, "fields": map[string]any{"title": "Платёж №1"}}), "item", "id")
		req["cmd"] = map[string]any{"a": fmt.Sprintf("crm.item.get?entityTypeId=31&id=%d", id)}
	},
}

func newCompany(c *conformancePortal) int {
	return c.id(c.must("crm.item.add", map[string]any{"entityTypeId": 4, "fields": map[string]any{"title": "ООО"}}), "item", "id")
}

func newRequisite(c *conformancePortal) int {
	rq, _ := asInt(c.must("crm.requisite.add", map[string]any{"fields": map[string]any{"ENTITY_TYPE_ID": 4, "ENTITY_ID": newCompany(c), "PRESET_ID": 1, "NAME": "Реквизиты"}}))
	return rq
}

// withAppOptions saves the settings the app.option.get rows read (app-option-set.md's example).
func withAppOptions(c *conformancePortal, _ map[string]any) {
	c.must("app.option.set", map[string]any{"options": map[string]any{"data": "value", "data2": "value2"}})
}

// withRobot registers the robot the list and update rows name.
func withRobot(c *conformancePortal, _ map[string]any) {
	c.must("bizproc.robot.add", map[string]any{"CODE": "split_invoice", "HANDLER": "https://pay.example.ru/b24/robot/split",
		"AUTH_USER_ID": 1, "NAME": "Разделить счёт на части"})
}

func withInvoice(key string) func(*conformancePortal, map[string]any) {
	return func(c *conformancePortal, req map[string]any) {
		req[key] = c.id(c.must("crm.item.add", map[string]any{"entityTypeId": 31, "fields": map[string]any{"title": "Платёж №1", "opportunity": 1000}}), "item", "id")
	}
}

func withInvoiceRow(c *conformancePortal, filter map[string]any) {
	id := c.id(c.must("crm.item.add", map[string]any{"entityTypeId": 31, "fields": map[string]any{"title": "Платёж №1"}}), "item", "id")
	c.must("crm.item.productrow.set", map[string]any{"ownerType": "SI", "ownerId": id, "productRows": []any{map[string]any{"productName": "Платёж", "price": 1000, "quantity": 1}}})
	filter["=ownerId"] = id
}

// withDeal points the request at a new deal that has our debt field.
func withDeal(c *conformancePortal, req map[string]any) {
	require.NoError(c.t, c.p.AddUserField("CRM_DEAL", "UF_CRM_DEAL_B24PAY_DEBT", "money", false))
	req["id"] = newDeal(c)
}

func newDeal(c *conformancePortal) int {
	return c.id(c.must("crm.item.add", map[string]any{"entityTypeId": 2, "fields": map[string]any{"title": "Сделка", "opportunity": 1000, "currencyId": "RUB"}}), "item", "id")
}

func withEntity(etid int, fields map[string]any) func(*conformancePortal, map[string]any) {
	return func(c *conformancePortal, req map[string]any) {
		req["id"] = c.id(c.must("crm.item.add", map[string]any{"entityTypeId": etid, "fields": fields}), "item", "id")
	}
}

func handlerExample(c *conformancePortal) map[string]any {
	rows := loadConformance(c.t)
	return rows["sale.paysystem.handler.add"].Request
}

func withPaySystem(c *conformancePortal) int {
	c.must("sale.paysystem.handler.add", handlerExample(c))
	rows := loadConformance(c.t)
	id, _ := asInt(c.must("sale.paysystem.add", rows["sale.paysystem.add"].Request))
	return id
}

func TestConformanceFakeAnswersLikeTheDocs(t *testing.T) {
	t.Parallel()
	for name, row := range loadConformance(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newConformancePortal(t)
			req := genericJSON(row.Request).(map[string]any)
			if req == nil {
				req = map[string]any{}
			}
			if p, ok := prepare[name]; ok {
				p(c, req)
			}
			status, got := c.raw(row.Method, req)
			var want map[string]any
			require.NoError(t, json.Unmarshal(row.Answer, &want))
			require.Equal(t, row.Status, status, "%s: %v", row.Doc, got)
			if _, isError := want["error"]; isError {
				require.Equal(t, jsonOf(want["error"]), jsonOf(got["error"]), row.Doc)
				require.Equal(t, want["error_description"], got["error_description"], row.Doc)
				return
			}
			require.Empty(t, shapeDiff("result", want["result"], got["result"]), "%s\nfake: %s", row.Doc, jsonOf(got["result"]))
			if _, ok := want["total"]; ok {
				require.Contains(t, got, "total", row.Doc)
			}
			require.Contains(t, got, "time")
		})
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// shapeDiff lists where got lacks what want has: every key of an object, the element shape of a
// non-empty array, a scalar where want has a scalar (null is accepted either way).
func shapeDiff(path string, want, got any) []string {
	if want == nil || got == nil {
		return nil
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{path + ": want an object"}
		}
		var out []string
		for k, v := range w {
			gv, ok := g[k]
			if !ok {
				out = append(out, path+"."+k+": missing")
				continue
			}
			out = append(out, shapeDiff(path+"."+k, v, gv)...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		switch {
		case !ok:
			return []string{path + ": want an array"}
		case len(w) > 0 && len(g) == 0:
			return []string{path + ": want a non-empty array"}
		case len(w) > 0:
			return shapeDiff(path+"[0]", w[0], g[0])
		}
		return nil
	}
	switch got.(type) {
	case map[string]any, []any:
		return []string{path + ": want a scalar"}
	}
	return nil
}

// Every method the app calls has a row: string literals naming a REST method in the non-test Go
// sources of the app (bitrix, portal, instalment, app, billing …) must all be in the table.
var methodLiteral = regexp.MustCompile(`"((?:crm|sale|userfieldconfig|placement|event|im|bizproc|app|user|catalog|task|tasks|disk|department|profile|batch|scope|methods|server|entity|lists|calendar|telephony|imopenlines|salescenter)(?:\.[a-zA-Z_]+)*)"`)

var rawString = regexp.MustCompile("`[^`]*`")

// clientOnly are bitrix.Client helpers no app code calls, so their scope is not asked for.
var clientOnly = map[string]bool{}

func TestConformanceTableCoversEveryMethodTheAppCalls(t *testing.T) {
	t.Parallel()
	rows := loadConformance(t)
	covered := map[string]bool{}
	for _, r := range rows {
		covered[strings.ToLower(r.Method)] = true
		_, known := methods[strings.ToLower(r.Method)]
		require.True(t, known || r.Method == "batch", "the fake implements %s", r.Method)
	}
	called := map[string]bool{}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (d.Name() == "b24fake" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.Contains(path, "fake") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(src), "\n") {
			line = rawString.ReplaceAllString(line, "") // struct tags
			if i := strings.Index(line, "// "); i >= 0 {
				line = line[:i] // comments
			}
			for _, m := range methodLiteral.FindAllStringSubmatch(line, -1) {
				name := strings.ToLower(m[1])
				if !strings.Contains(name, ".") && !strings.Contains(line, `ctx, "`+m[1]+`"`) {
					continue // a one-word literal counts as a method only as a call's argument ("profile", "batch")
				}
				if _, isMethod := methods[name]; isMethod || name == "batch" || strings.Count(name, ".") >= 2 {
					called[name] = true
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
	// Methods whose name the code builds: crm.<kind>.get for contacts and companies (instalment/owner.go)
	// and for the deal or lead a tab is opened on, read as the user (portal/user_access.go).
	called["crm.contact.get"], called["crm.company.get"] = true, true
	called["crm.deal.get"], called["crm.lead.get"] = true, true
	var missing []string
	for m := range called {
		if !covered[m] {
			missing = append(missing, m)
		}
	}
	slices.Sort(missing)
	require.Empty(t, missing, "methods the app calls without a conformance row (add testdata/conformance/<method>.json from the docs)")
	require.GreaterOrEqual(t, len(called), 30, "the scan found the app's methods")
	for m := range called {
		if clientOnly[m] {
			continue
		}
		if need := scopeOf(m); need == "user" {
			// user.get and user.current: user, user_basic or user_brief (api-reference/user/user-get.md).
			require.True(t, slices.ContainsFunc(portal.Scopes, func(s string) bool { return strings.HasPrefix(s, "user") }),
				"portal.Scopes lacks a user scope for %s", m)
		} else if need != "basic" {
			require.Contains(t, portal.Scopes, need, "portal.Scopes lacks the scope of %s", m)
		}
	}
	require.Contains(t, portal.Scopes, "crm", "userfieldconfig.* for moduleId crm need crm as well")
}
