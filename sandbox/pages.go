package sandbox

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

//go:embed templates/*.html
var templateFS embed.FS

var moscow = mustZone("Europe/Moscow")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"rub":  rub,
	"when": func(t time.Time) string { return t.In(moscow).Format("02.01.2006 15:04") },
	"day":  func(t time.Time) string { return t.In(moscow).Format("02.01.2006") },
	"providerName": func(code string) string {
		return map[string]string{"sbp": "Банк СБП", "invoicebox": "Инвойсбокс", "yookassa": "ЮKassa"}[code]
	},
	"statusName": func(status string) string {
		return map[string]string{"pending": "ожидает оплаты", "unknown": "выясняется у банка", "succeeded": "оплачен",
			"failed": "отклонён", "expired": "истёк", "cancelled": "отменён", "partially_refunded": "возвращён частично", "refunded": "возвращён"}[status]
	},
	"field": func(m map[string]any, key string) any { return m[key] },
	"debt":  func(m map[string]any) any { return m[debtField(m)] },
	"ufs": func(m map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range m {
			if strings.HasPrefix(k, "ufCrm") || strings.HasPrefix(k, "UF_") {
				out[k] = v
			}
		}
		return out
	},
}).ParseFS(templateFS, "templates/*.html"))

// rub renders an amount as «1 437,15 ₽».
func rub(v any) string {
	d, err := decimal.NewFromString(strings.TrimSuffix(fmt.Sprint(v), "|RUB"))
	if err != nil {
		return fmt.Sprint(v)
	}
	s := d.StringFixed(2)
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(r)
	}
	out := b.String() + "," + frac + "\u00a0₽"
	if neg {
		out = "−" + out
	}
	return out
}

// handler serves the home page, its forms and the control API under /sandbox/.
func (s *Sandbox) handler() http.Handler {
	m := http.NewServeMux()
	for _, r := range append(s.apiRoutes(), s.pageRoutes()...) {
		m.HandleFunc(r.pattern, r.handler)
	}
	return sameOrigin(s.url, m)
}

// pageRoutes are the home page and its forms.
func (s *Sandbox) pageRoutes() []route {
	return []route{
		{"GET /sandbox/{$}", s.home},
		{"GET /sandbox/mailbox", s.mailboxPage},
		{"GET /sandbox/mailbox/{id}", s.letterPage},
		{"GET /sandbox/portal", s.portalPage},
		{"GET /sandbox/pay/", s.payListPage},
		{"GET /sandbox/pay/{id}", s.payPage},
		{"GET /sandbox/pay/invoicebox/{container}", s.invoiceboxPage},
		{"POST /sandbox/pay/{id}/{action}", s.payForm},
		{"POST /sandbox/clock", s.clockForm},
	}
}

// sameOrigin refuses a state-changing request sent by a page of another origin.
func sameOrigin(origin string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); r.Method != http.MethodGet && o != "" && o != origin && o != "null" {
			http.Error(w, "cross-origin request refused", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Sandbox) render(w http.ResponseWriter, name string, data map[string]any) {
	data["Clock"], data["Home"] = s.clockNow(), s.URL()
	if data["Back"] == nil {
		data["Back"] = "/sandbox/"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		s.log.Error("sandbox page", "page", name, "err", err)
	}
}

// card is a seeded deal or lead with the links that open it.
type card struct {
	Entry
	Responsible Person
	Frames      []link
	Debt        any
}

type link struct{ Label, URL string }

func (s *Sandbox) home(w http.ResponseWriter, r *http.Request) {
	var cards []card
	for _, e := range append(append([]Entry{}, s.seed.Deals...), s.seed.Leads...) {
		c := card{Entry: e, Responsible: s.person(e.Responsible)}
		for _, p := range s.seed.People {
			c.Frames = append(c.Frames, link{p.Name, s.frameURL(e.Kind, e.ID, p.ID)})
		}
		if en, err := s.Entity(e.Kind, e.ID); err == nil {
			c.Debt = en.Fields[debtField(en.Fields)]
		}
		cards = append(cards, c)
	}
	var apps []link
	for _, p := range s.seed.People {
		apps = append(apps, link{p.Name + " (" + p.Role + ")", s.appURL(p.ID)})
	}
	open, _ := s.OpenPayments(r.Context())
	s.render(w, "home.html", map[string]any{"Cards": cards, "Apps": apps, "Cabinet": s.url + "/cabinet/login",
		"Open": len(open), "Title": "Главная"})
}

func (s *Sandbox) mailboxPage(w http.ResponseWriter, _ *http.Request) {
	letters, err := readMailbox(s.mailbox)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.render(w, "mailbox.html", map[string]any{"Letters": letters, "Title": "Почта", "Back": "/sandbox/mailbox"})
}

func (s *Sandbox) letterPage(w http.ResponseWriter, r *http.Request) {
	l, err := readLetter(s.mailbox, r.PathValue("id"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	s.render(w, "letter.html", map[string]any{"Letter": l, "Title": l.Subject})
}

func (s *Sandbox) portalPage(w http.ResponseWriter, _ *http.Request) {
	types, err := s.SmartItems()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	var entities []Entity
	for _, e := range append(append([]Entry{}, s.seed.Deals...), s.seed.Leads...) {
		if en, err := s.Entity(e.Kind, e.ID); err == nil {
			entities = append(entities, en)
		}
	}
	type inbox struct {
		Person  Person
		Notices []Notice
	}
	var inboxes []inbox
	for _, p := range s.seed.People {
		inboxes = append(inboxes, inbox{p, s.Notifications(p.ID)})
	}
	s.render(w, "portal.html", map[string]any{"Types": types, "Entities": entities, "Inboxes": inboxes, "Title": "Портал",
		"Back": "/sandbox/portal"})
}

func (s *Sandbox) payListPage(w http.ResponseWriter, r *http.Request) {
	open, err := s.OpenPayments(r.Context())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.render(w, "paylist.html", map[string]any{"Payments": open, "Title": "Оплаты", "Back": "/sandbox/pay/"})
}

func (s *Sandbox) payPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.payment(r.Context(), r.PathValue("id"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	s.render(w, "pay.html", map[string]any{"Payment": openPayment(p), "Notice": r.URL.Query().Get("notice"),
		"Open": p.Status == "pending", "Title": "Оплата"})
}

// invoiceboxPage is where the Invoicebox fake's payment URL (its container id) leads: the
// order's own pay page.
func (s *Sandbox) invoiceboxPage(w http.ResponseWriter, r *http.Request) {
	open, err := s.OpenPayments(r.Context())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	for _, p := range open {
		if o, ok := s.ib.Order(p.ID); ok && strings.HasSuffix(o.PaymentURL, "/"+r.PathValue("container")) {
			http.Redirect(w, r, s.url+"/sandbox/pay/"+url.PathEscape(p.ID), http.StatusSeeOther)
			return
		}
	}
	http.Error(w, "no open Invoicebox order "+r.PathValue("container"), http.StatusNotFound)
}

func (s *Sandbox) payForm(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	p, err := s.Act(r.Context(), id, r.PathValue("action"), strings.ReplaceAll(strings.ReplaceAll(r.FormValue("amount"), " ", ""), ",", "."))
	notice := map[string]string{"succeeded": "Оплачено: " + rub(p.Amount), "failed": "Платёж отклонён",
		"expired": "Счёт истёк", "pending": "Платёж ожидает оплаты"}[p.Status]
	if err != nil {
		notice = "Не выполнено: " + err.Error()
	}
	http.Redirect(w, r, s.url+"/sandbox/pay/"+url.PathEscape(id)+"?notice="+url.QueryEscape(notice), http.StatusSeeOther)
}

// clockForm moves the clock by the form's days (0 = only run the cron passes).
func (s *Sandbox) clockForm(w http.ResponseWriter, r *http.Request) {
	days, err := strconv.Atoi(r.FormValue("days"))
	if err != nil || days < 0 || days > 3660 {
		http.Error(w, "days must be 0…3660", http.StatusBadRequest)
		return
	}
	if err := s.AdvanceClock(r.Context(), time.Duration(days)*24*time.Hour); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	back := r.FormValue("back")
	if !strings.HasPrefix(back, "/sandbox/") {
		back = "/sandbox/"
	}
	http.Redirect(w, r, s.url+back, http.StatusSeeOther)
}
