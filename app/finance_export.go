package app

import (
	"encoding/csv"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"b24pay/finance"
	"b24pay/templates"
)

// exportRows is the most rows one export holds.
const exportRows = 500

// exportLinks offers the table for download.
func exportLinks(q financeQuery, table string) []templates.Link {
	return []templates.Link{
		{Label: "CSV", Href: q.href("/b24/finance/export", map[string]string{"table": table, "format": "csv", "page": ""})},
	}
}

// financeExport downloads a table (debtors or the payments register) as CSV, in the page's sort order.
func (a *App) financeExport(c *gin.Context) {
	claims, ok := a.financeAdmin(c)
	if !ok {
		return
	}
	q := parseFinanceQuery(c)
	head, rows, err := a.exportTable(c, claims.MemberID, c.Query("table"), finance.Page{Sort: q.sort, Desc: q.desc, Size: exportRows})
	if err != nil {
		_ = c.Error(err)
		a.renderError(c, http.StatusInternalServerError, "Ошибка", "Не удалось выгрузить отчёт.")
		return
	}
	if head == nil {
		a.renderError(c, http.StatusNotFound, "Нет такого отчёта", "Выгрузить можно должников и реестр платежей.")
		return
	}
	c.Header("Content-Disposition", `attachment; filename="b24pay-`+c.Query("table")+`.csv"`)
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Status(http.StatusOK)
	_, _ = c.Writer.Write([]byte("\xEF\xBB\xBF")) // a BOM, so Excel reads the Cyrillic as UTF-8
	w := csv.NewWriter(c.Writer)
	w.Comma = ';' // Excel's separator in the Russian locale
	_ = w.Write(head)
	_ = w.WriteAll(rows)
}

// exportTable returns the header and rows of a table (amounts as plain numbers); nil head: no such table.
func (a *App) exportTable(c *gin.Context, memberID, table string, p finance.Page) ([]string, [][]string, error) {
	ctx := c.Request.Context()
	cur := finance.Currency("RUB")
	plain := func(m int64) string { return cur.Plain(finance.Major(m, cur)) }
	switch table {
	case "debtors":
		rows, _, err := a.finance.Debtors(ctx, memberID, cur.Code, p)
		out := make([][]string, 0, len(rows))
		for _, r := range rows {
			out = append(out, []string{strconv.FormatInt(r.ClientID, 10), r.Name, plain(r.Owed), plain(r.Overdue), r.NextDue,
				strconv.Itoa(r.Schedules)})
		}
		return []string{"ID клиента", "Клиент", "Долг", "Просрочено", "Ближайший срок", "Графиков"}, out, err
	case "register":
		rows, _, err := a.finance.PaymentsRegister(ctx, memberID, p)
		out := make([][]string, 0, len(rows))
		for _, r := range rows {
			out = append(out, []string{r.CreatedAt.In(a.cfg.Timezone).Format("2006-01-02 15:04"), r.Kind, r.ID, r.PaymentID,
				r.Provider, r.ProviderRef, r.Status, plain(r.Amount), plain(r.Paid), plain(r.Refunded), r.Currency, r.Reconcile})
		}
		return []string{"Создан", "Вид", "ID", "ID платежа", "Провайдер", "ID провайдера", "Статус", "Сумма", "Оплачено",
			"Возвращено", "Валюта", "Сверка"}, out, err
	}
	return nil, nil, nil
}
