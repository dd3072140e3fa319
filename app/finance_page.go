package app

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"b24pay/finance"
	"b24pay/portal"
	"b24pay/templates"
)

// The finance page (issue 16): debt dashboards for the portal's admins. It is opened from the app
// page with the same signed admin token as the settings form, carried in the query of every link.

func (a *App) financeRoutes(r *gin.Engine) {
	if a.b24 == nil {
		return
	}
	r.GET("/b24/finance", a.financePage)
	r.GET("/b24/finance/export", a.financeExport)
	r.GET("/bi/finance", a.biFinance)
	r.POST("/b24/finance/company-payments/paid", a.markCompanyPaymentPaid)
	r.POST("/b24/finance/roles", a.saveFinanceRoles)
}

// financeQuery is what the page's links carry.
type financeQuery struct {
	token, view, sort string
	desc              bool
	page              int
	id, paid          int64
	fig               string              // the figure whose rows view=figure lists
	filter            finance.FilterInput // as typed; carried by every link
	ownOnly           bool                // the caller sees only their own deals: the manager is fixed
}

func parseFinanceQuery(c *gin.Context) financeQuery {
	q := financeQuery{token: c.Query("token"), view: c.DefaultQuery("view", "overview"), sort: c.Query("sort"),
		desc: c.Query("desc") == "1"}
	q.page, _ = strconv.Atoi(c.Query("page"))
	q.id, _ = strconv.ParseInt(c.Query("id"), 10, 64)
	q.paid, _ = strconv.ParseInt(c.Query("paid"), 10, 64)
	q.fig = c.Query("fig")
	q.filter = finance.FilterInput{Manager: c.Query("manager"), From: c.Query("from"), To: c.Query("to"),
		Route: c.Query("route"), Currency: c.Query("currency")}
	return q
}

func (q financeQuery) pageArg() finance.Page {
	return finance.Page{Sort: q.sort, Desc: q.desc, Page: q.page, Size: 50}
}

// href links to a view of the page; changes override the current query.
func (q financeQuery) href(path string, changes map[string]string) string {
	v := url.Values{"token": {q.token}, "view": {q.view}}
	if q.sort != "" {
		v.Set("sort", q.sort)
	}
	if q.desc {
		v.Set("desc", "1")
	}
	if q.id != 0 {
		v.Set("id", strconv.FormatInt(q.id, 10))
	}
	if q.fig != "" {
		v.Set("fig", q.fig)
	}
	for k, x := range map[string]string{"manager": q.filter.Manager, "from": q.filter.From, "to": q.filter.To,
		"route": q.filter.Route, "currency": q.filter.Currency} {
		if x != "" {
			v.Set(k, x)
		}
	}
	for k, x := range changes {
		if x == "" {
			v.Del(k)
		} else {
			v.Set(k, x)
		}
	}
	return path + "?" + v.Encode()
}

// head is a sortable column header: clicking it sorts by it, clicking again reverses.
func (q financeQuery) head(label, key string) templates.Link {
	if key == "" {
		return templates.Link{Label: label}
	}
	desc := ""
	if q.sort == key && !q.desc {
		desc = "1"
	}
	if q.sort == key {
		label += map[bool]string{true: " ↓", false: " ↑"}[q.desc]
	}
	return templates.Link{Label: label, Href: q.href("/b24/finance", map[string]string{"sort": key, "desc": desc, "page": ""})}
}

func (q financeQuery) pages(total int64, size int) []templates.Link {
	n := int((total + int64(size) - 1) / int64(size))
	var out []templates.Link
	for p := 1; p <= n; p++ {
		out = append(out, templates.Link{Label: strconv.Itoa(p), Current: p == max(q.page, 1),
			Href: q.href("/b24/finance", map[string]string{"page": strconv.Itoa(p)})})
	}
	return out
}

func (q financeQuery) nav() []templates.Link {
	var out []templates.Link
	for _, v := range []struct{ view, label string }{{"overview", "Дебиторская задолженность"}, {"outgoing", "Платежи компании"},
		{"register", "Реестр платежей"}} {
		out = append(out, templates.Link{Label: v.label, Current: q.view == v.view,
			Href: q.href("/b24/finance", map[string]string{"view": v.view, "sort": "", "desc": "", "page": "", "id": "", "fig": ""})})
	}
	return out
}

// financePage renders one view of the finance page.
func (a *App) financePage(c *gin.Context) {
	claims, ok := a.financeClaims(c)
	if !ok {
		return
	}
	a.showFinance(c, claims, parseFinanceQuery(c), http.StatusOK, "")
}

// showFinance renders the view q asks for, narrowed to what the caller may see, with a problem to show.
func (a *App) showFinance(c *gin.Context, claims financeCaller, q financeQuery, status int, problem string) {
	claims.scope(&q)
	view, err := a.financeView(c, claims.MemberID, q)
	if errors.Is(err, errUnknownFigure) {
		a.figureNotFound(c)
		return
	}
	if err != nil {
		_ = c.Error(err)
		a.renderError(c, http.StatusInternalServerError, "Ошибка", "Не удалось построить отчёт, обновите страницу.")
		return
	}
	view.Nav, view.Error = q.nav(), problem
	if status == http.StatusOK && len(view.Filters.Errors) > 0 {
		status = http.StatusUnprocessableEntity // the figures are shown unfiltered, the form says what to fix
	}
	a.render(c, status, "finance.html", view)
}

// filterForm is the filter form as typed, with an error per field.
func (q financeQuery) filterForm(errs map[string]string) *templates.FinanceFilters {
	return &templates.FinanceFilters{Token: q.token, View: q.view, Manager: q.filter.Manager, From: q.filter.From, To: q.filter.To,
		Route: q.filter.Route, Currency: q.filter.Currency, Routes: finance.Routes, Errors: errs, OwnOnly: q.ownOnly}
}

func (a *App) financeView(c *gin.Context, memberID string, q financeQuery) (*templates.FinancePage, error) {
	ctx := c.Request.Context()
	f, errs := q.filter.Parse()
	page := &templates.FinancePage{Title: "Финансы", Today: a.finance.Today().RU(), Filters: q.filterForm(errs)}
	cur := finance.Currency(f.Currency)
	money := func(m int64) string { return cur.Human(finance.Major(m, cur)) }
	var err error
	switch q.view {
	case "client":
		page.Table, err = a.clientTable(c, memberID, f, q, money)
	case "schedule":
		page.Table, err = a.scheduleTable(c, memberID, q, money)
	case "figure":
		page.Table, err = a.figureTable(c, memberID, f, q, money)
	case "outgoing":
		var o finance.Outgoing
		if o, err = a.finance.Outgoing(ctx, memberID, f); err != nil {
			return nil, err
		}
		page.Outgoing = outgoingFigures(o, q, money)
		page.Table = a.outgoingTable(c, memberID, "Календарь платежей компании", o.Calendar, q, money)
		if q.paid != 0 {
			page.Notice = "Платёж отмечен оплаченным: договор переведён на следующую дату или закрыт."
		}
	case "register":
		page.Table, err = a.registerTable(c, memberID, f, q, money)
	default:
		// The figures and the debtors are two scans of the portal's instalments: on PostgreSQL they run
		// side by side on two connections (SQLite's one connection takes them in turn).
		var d finance.Dashboard
		figures := make(chan error, 1)
		go func() {
			var err error
			d, err = a.finance.Dashboard(ctx, memberID, f)
			figures <- err
		}()
		page.Table, err = a.debtorsTable(c, memberID, f, q, money)
		if ferr := <-figures; err == nil {
			err = ferr
		}
		if err != nil {
			return nil, err
		}
		overview(page, d, q, money)
	}
	return page, err
}

// figureHref links a figure to the list of the rows behind it (its drill-down), on the same filter.
func (q financeQuery) figureHref(key string) string {
	return q.href("/b24/finance", map[string]string{"view": "figure", "fig": key, "sort": "", "desc": "", "page": "", "id": ""})
}

// outgoingFigures are the outgoing side's figures, each linking to the contracts behind it.
func outgoingFigures(o finance.Outgoing, q financeQuery, money func(int64) string) []templates.Figure {
	return []templates.Figure{
		{Label: figureLabels["out-paid"], Value: money(o.PaidMonth), Href: q.figureHref("out-paid"), Test: "out-paid-month"},
		{Label: figureLabels["out-due"], Value: money(o.DueMonth), Href: q.figureHref("out-due"), Test: "out-due-month"},
		{Label: figureLabels["out-remaining"], Value: money(o.Remaining), Href: q.figureHref("out-remaining"), Test: "out-remaining"}}
}

// overview fills the figures and charts of the incoming side; every figure and bar links to its rows.
func overview(page *templates.FinancePage, d finance.Dashboard, q financeQuery, money func(int64) string) {
	card := func(key, test string, minor int64) templates.Figure {
		return templates.Figure{Label: figureLabels[key], Value: money(minor), Href: q.figureHref(key), Test: test}
	}
	page.Cards = []templates.Figure{
		card("receivable", "receivable", d.Receivable), card("overdue", "overdue", d.Overdue),
		card("due7", "due7", d.Due7), card("due30", "due30", d.Due30),
		card("paid", "paid-month", d.PaidMonth), card("refunded", "refunded-month", d.RefundedMonth),
		{Label: "Комиссии провайдеров в этом месяце", Value: money(d.FeesMonth), Href: q.figureHref("paid"), Test: "fees-month"},
		card("net", "net-month", d.NetMonth()),
		{Label: figureLabels["ontime"], Value: fmt.Sprintf("%d %% (%d из %d)", d.OnTime.Percent(), d.OnTime.OnTime, d.OnTime.Due),
			Href: q.figureHref("ontime"), Test: "on-time"},
		{Label: figureLabels["late"], Value: strconv.FormatInt(d.OnTime.Due-d.OnTime.OnTime, 10), Href: q.figureHref("late"), Test: "late"},
	}
	for i, b := range finance.AgingBuckets {
		page.Aging = append(page.Aging, templates.Bar{Label: b.Label, Value: money(d.Aging[i]), Percent: percent(d.Aging[i], d.Overdue),
			Href: q.figureHref(fmt.Sprintf("aging-%d", i))})
	}
	page.Forecast = monthBars(d.Forecast, "forecast-", q, money)
	page.Collected = monthBars(d.Collected, "collected-", q, money)
}

// monthBars is a chart of amounts by month, each bar linking to the figure prefix+month.
func monthBars(months []finance.MonthSum, prefix string, q financeQuery, money func(int64) string) []templates.Bar {
	var top int64
	for _, m := range months {
		top = max(top, m.Minor)
	}
	var out []templates.Bar
	for _, m := range months {
		out = append(out, templates.Bar{Label: m.Month, Value: money(m.Minor), Percent: percent(m.Minor, top), Href: q.figureHref(prefix + m.Month)})
	}
	return out
}

func percent(part, whole int64) int {
	if whole <= 0 {
		return 0
	}
	return int(part * 100 / whole)
}

func num(s string) templates.Cell { return templates.Cell{Text: s, Number: true} }

func text(s string) templates.Cell { return templates.Cell{Text: s} }

func (a *App) debtorsTable(c *gin.Context, memberID string, f finance.Filter, q financeQuery, money func(int64) string) (*templates.Table, error) {
	rows, total, err := a.finance.Debtors(c.Request.Context(), memberID, f, q.pageArg())
	if err != nil {
		return nil, err
	}
	t := &templates.Table{Title: "Должники", Test: "debtors", Empty: "Долгов нет.", Pages: q.pages(total, 50),
		Head:    []templates.Link{q.head("Клиент", "name"), q.head("Долг", "owed"), q.head("Просрочено", "overdue"), q.head("Ближайший срок", "next"), {Label: "Графиков"}},
		Exports: exportLinks(q, "debtors")}
	for _, r := range rows {
		name := r.Name
		if r.ClientID == 0 {
			name = "Без клиента"
		} else if name == "" {
			name = fmt.Sprintf("Клиент №%d", r.ClientID)
		}
		t.Rows = append(t.Rows, []templates.Cell{
			{Text: name, Href: q.href("/b24/finance", map[string]string{"view": "client", "id": strconv.FormatInt(r.ClientID, 10), "sort": "", "desc": "", "page": ""})},
			num(money(r.Owed)), num(money(r.Overdue)), text(r.NextDue), num(strconv.Itoa(r.Schedules)),
		})
	}
	return t, nil
}

func (a *App) clientTable(c *gin.Context, memberID string, f finance.Filter, q financeQuery, money func(int64) string) (*templates.Table, error) {
	rows, err := a.finance.ClientSchedules(c.Request.Context(), memberID, f, q.id)
	if err != nil {
		return nil, err
	}
	t := &templates.Table{Title: "Графики клиента", Test: "client-schedules", Empty: "Активных графиков нет.",
		Head: []templates.Link{{Label: "Сделка"}, {Label: "Сумма графика"}, {Label: "Долг"}, {Label: "Просрочено"}, {Label: "Платежи"}}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []templates.Cell{
			{Text: r.Title, Href: a.cardURL(r.OwnerType, r.OwnerID), External: true},
			num(money(r.Total)), num(money(r.Owed)), num(money(r.Overdue)),
			{Text: "открыть", Href: q.href("/b24/finance", map[string]string{"view": "schedule", "id": strconv.FormatInt(r.ID, 10)})},
		})
	}
	return t, nil
}

func (a *App) scheduleTable(c *gin.Context, memberID string, q financeQuery, money func(int64) string) (*templates.Table, error) {
	rows, err := a.finance.ScheduleInstalments(c.Request.Context(), memberID, q.id)
	if err != nil {
		return nil, err
	}
	t := &templates.Table{Title: "Платежи по графику", Test: "schedule-instalments", Empty: "Нет платежей.",
		Head: []templates.Link{{Label: "№"}, {Label: "Срок"}, {Label: "Сумма"}, {Label: "Оплачено"}, {Label: "Статус"}}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []templates.Cell{num(strconv.Itoa(r.Seq)), text(r.Due), num(money(r.Amount)), num(money(r.Paid)),
			text(instalmentStatusRU[r.Status])})
	}
	return t, nil
}

var instalmentStatusRU = map[string]string{"planned": "Запланирован", "invoiced": "Счёт выставлен", "partly_paid": "Оплачен частично",
	"overdue": "Просрочен", "paid": "Оплачен", "cancelled": "Отменён"}

var companyStageRU = map[string]string{portal.CompanyPaymentPlanned: "Запланирован", portal.CompanyPaymentSent: "Отправлен",
	portal.CompanyPaymentPaid: "Оплачен"}

// outgoingTable lists company contracts (the payment calendar, or the contracts behind an outgoing
// figure), each opening its «Платежи компании» card; an open one with «Отметить оплаченным».
func (a *App) outgoingTable(c *gin.Context, memberID, title string, rows []finance.Upcoming, q financeQuery, money func(int64) string) *templates.Table {
	t := &templates.Table{Title: title, Test: "outgoing-calendar", Empty: "Договоров нет.",
		Head: []templates.Link{{Label: "Дата"}, {Label: "Договор"}, {Label: "Платёж"}, {Label: "Остаток долга"}, {Label: "Стадия"}, {Label: ""}}}
	action := "/b24/finance/company-payments/paid?" + url.Values{"token": {q.token}}.Encode()
	entityType := a.companyPaymentsType(c, memberID)
	for _, u := range rows {
		stage, act := companyStageRU[u.Stage], templates.Cell{}
		if u.Closed {
			stage = "Закрыт"
		} else if u.Date != "" {
			act.Button = &templates.Button{Action: action, Label: "Отметить оплаченным", Test: "mark-paid-" + strconv.FormatInt(u.ItemID, 10),
				Values: map[string]string{"item": strconv.FormatInt(u.ItemID, 10), "date": u.Date}}
		}
		contract := text(u.Contract)
		if entityType != 0 {
			contract = templates.Cell{Text: u.Contract, Href: fmt.Sprintf("%s/crm/type/%d/details/%d/", a.cfg.B24.PortalURL, entityType, u.ItemID), External: true}
			if contract.Text == "" {
				contract.Text = fmt.Sprintf("Платёж №%d", u.ItemID)
			}
		}
		t.Rows = append(t.Rows, []templates.Cell{text(u.Date), contract, num(money(u.Amount)), num(money(u.Remaining)), text(stage), act})
	}
	return t
}

// companyPaymentsType is the entity type of «Платежи компании» on the portal (0 when not provisioned).
func (a *App) companyPaymentsType(c *gin.Context, memberID string) int {
	p, err := a.portals.Get(c.Request.Context(), memberID)
	if err != nil {
		_ = c.Error(err)
		return 0
	}
	return p.Provisioned().CompanyPayments.EntityTypeID
}

// feeCell shows a payment's fee or net amount; a refund has none of its own.
func feeCell(kind, amount string) templates.Cell {
	if kind == "refund" {
		return text("—")
	}
	return num(amount)
}

var paymentStatusRU = map[string]string{"pending": "ожидает оплаты", "unknown": "уточняется", "succeeded": "оплачен",
	"failed": "ошибка", "expired": "истёк", "cancelled": "отменён", "partially_refunded": "частичный возврат", "refunded": "возвращён"}

var reconcileRU = map[string]string{"settled": "сверен", "checking": "проверяется", "open": "открыт", "closed": "закрыт без оплаты"}

func (a *App) registerTable(c *gin.Context, memberID string, f finance.Filter, q financeQuery, money func(int64) string) (*templates.Table, error) {
	rows, total, err := a.finance.PaymentsRegister(c.Request.Context(), memberID, f, q.pageArg())
	if err != nil {
		return nil, err
	}
	t := &templates.Table{Title: "Реестр платежей и возвратов", Test: "register", Empty: "Платежей ещё не было.", Pages: q.pages(total, 50),
		Head: []templates.Link{q.head("Создан", "created"), {Label: "Вид"}, q.head("Провайдер", "provider"), {Label: "ID провайдера"},
			q.head("Статус", "status"), q.head("Сумма", "amount"), {Label: "Комиссия"}, {Label: "Чистыми"}, {Label: "Сверка"}},
		Exports: exportLinks(q, "register")}
	for _, r := range rows {
		kind, status := "платёж", paymentStatusRU[r.Status]
		if r.Kind == "refund" {
			kind, status = "возврат", map[string]string{"pending": "в обработке", "succeeded": "выполнен", "failed": "отклонён"}[r.Status]
		}
		t.Rows = append(t.Rows, []templates.Cell{text(r.CreatedAt.In(a.cfg.Timezone).Format("02.01.2006 15:04")), text(kind),
			text(r.Provider), text(r.ProviderRef), text(status), num(money(r.Amount)), feeCell(r.Kind, money(r.Fee)), feeCell(r.Kind, money(r.Net)), text(reconcileRU[r.Reconcile])})
	}
	return t, nil
}

// cardURL opens a deal or lead card in the portal.
func (a *App) cardURL(ownerType string, id int64) string {
	return fmt.Sprintf("%s/crm/%s/details/%d/", a.cfg.B24.PortalURL, ownerType, id)
}
