package app

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"b24pay/finance"
	"b24pay/templates"
)

// figureLabels name the dashboard figures, on their cards and on the lists behind them.
var figureLabels = map[string]string{
	"receivable": "Дебиторская задолженность", "overdue": "Просрочено", "due7": "К оплате за 7 дней", "due30": "К оплате за 30 дней",
	"paid": "Получено в этом месяце", "refunded": "Возвращено в этом месяце",
	"net":    "Чистыми в этом месяце (за вычетом возвратов и комиссий)",
	"ontime": "Оплачено в срок за 12 месяцев", "late": "Не оплачено в срок за 12 месяцев",
	"out-paid": "Оплачено в этом месяце", "out-due": "К оплате до конца месяца", "out-remaining": "Остаток основного долга",
}

// figureTitle is the title of the list behind a figure.
func figureTitle(g finance.Figure) string {
	switch {
	case g.Key == "aging":
		return "Просрочка " + finance.AgingBuckets[g.Bucket].Label
	case g.Key == "forecast":
		return "Прогноз поступлений за " + g.Month
	case g.Month != "" && g.Key == "paid":
		return "Получено за " + g.Month
	}
	return figureLabels[g.Key]
}

// errUnknownFigure answers a drill-down link naming no figure.
var errUnknownFigure = errors.New("unknown finance figure")

// figureTable is the drill-down of one figure: the instalments, payments or contracts behind it.
func (a *App) figureTable(c *gin.Context, memberID string, f finance.Filter, q financeQuery, money func(int64) string) (*templates.Table, error) {
	g, ok := finance.ParseFigure(q.fig)
	if !ok {
		return nil, errUnknownFigure
	}
	switch g.Kind() {
	case finance.FigureOutgoing:
		rows, err := a.finance.FigureOutgoing(c.Request.Context(), memberID, f, g)
		return a.outgoingTable(c, memberID, figureTitle(g), rows, q, money), err
	case finance.FigureMoney:
		return a.figureMoneyTable(c, memberID, f, g, q, money)
	}
	return a.figureInstalmentsTable(c, memberID, f, g, q, money)
}

func (a *App) figureInstalmentsTable(c *gin.Context, memberID string, f finance.Filter, g finance.Figure, q financeQuery, money func(int64) string) (*templates.Table, error) {
	rows, total, err := a.finance.FigureInstalments(c.Request.Context(), memberID, f, g, q.pageArg())
	if err != nil {
		return nil, err
	}
	t := &templates.Table{Title: figureTitle(g), Test: "figure-instalments", Empty: "Платежей нет.", Pages: q.pages(total, 50),
		Head: []templates.Link{{Label: "Сделка"}, q.head("Клиент", "client"), {Label: "№"}, q.head("Срок", "due"), q.head("Сумма", "amount"),
			{Label: "Оплачено"}, q.head("Долг", "owed"), {Label: "Оплачен полностью"}, {Label: "Статус"}}}
	for _, r := range rows {
		paidOn := "—"
		if r.PaidOn != "" {
			paidOn = r.PaidOn
		}
		t.Rows = append(t.Rows, []templates.Cell{
			{Text: r.Title, Href: a.cardURL(r.OwnerType, r.OwnerID), External: true}, text(r.ClientName),
			{Text: strconv.Itoa(r.Seq), Number: true, Href: q.href("/b24/finance", map[string]string{"view": "schedule", "id": strconv.FormatInt(r.ScheduleID, 10), "fig": "", "sort": "", "desc": "", "page": ""})},
			text(r.Due), num(money(r.Amount)), num(money(r.Paid)), num(money(r.Owed())), text(paidOn), text(instalmentStatusRU[r.Status]),
		})
	}
	return t, nil
}

func (a *App) figureMoneyTable(c *gin.Context, memberID string, f finance.Filter, g finance.Figure, q financeQuery, money func(int64) string) (*templates.Table, error) {
	rows, total, err := a.finance.FigureMoney(c.Request.Context(), memberID, f, g, q.pageArg())
	if err != nil {
		return nil, err
	}
	t := &templates.Table{Title: figureTitle(g), Test: "figure-money", Empty: "Денег за этот месяц не было.", Pages: q.pages(total, 50),
		Head: []templates.Link{q.head("Дата", "at"), {Label: "Вид"}, q.head("Провайдер", "provider"), q.head("Сумма", "amount"),
			{Label: "Комиссия"}, {Label: "Сделка"}}}
	for _, r := range rows {
		kind, fee := "платёж", num(money(r.Fee))
		if r.Kind == "refund" {
			kind, fee = "возврат", text("—")
		}
		deal := text("—")
		if r.OwnerID != 0 {
			deal = templates.Cell{Text: r.Title, Href: a.cardURL(r.OwnerType, r.OwnerID), External: true}
		}
		t.Rows = append(t.Rows, []templates.Cell{text(r.At.In(a.cfg.Timezone).Format("02.01.2006 15:04")), text(kind), text(r.Provider),
			num(money(r.Amount)), fee, deal})
	}
	return t, nil
}

// figureNotFound answers a drill-down link that names no figure.
func (a *App) figureNotFound(c *gin.Context) {
	a.renderError(c, http.StatusNotFound, "Показатель не найден", "Такого показателя нет: вернитесь к сводке и выберите его там.")
}
