package app

import (
	"encoding/csv"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"b24pay/finance"
	"b24pay/templates"
)

// exportRows is the most rows one export holds.
const exportRows = 500

// exportLinks offers the table for download.
func exportLinks(q financeQuery, table string) []templates.Link {
	return []templates.Link{
		{Label: "CSV", Href: q.href("/b24/finance/export", map[string]string{"table": table, "format": "csv", "page": ""})},
		{Label: "XLSX", Href: q.href("/b24/finance/export", map[string]string{"table": table, "format": "xlsx", "page": ""})},
	}
}

// financeExport downloads a table (debtors or the payments register) as CSV or XLSX, in the page's sort order.
func (a *App) financeExport(c *gin.Context) {
	claims, ok := a.financeClaims(c)
	if !ok {
		return
	}
	q := parseFinanceQuery(c)
	claims.scope(&q)
	f, errs := q.filter.Parse()
	if len(errs) > 0 {
		a.renderError(c, http.StatusUnprocessableEntity, "Фильтр не применён", "Исправьте фильтр на странице «Финансы» и выгрузите снова.")
		return
	}
	head, rows, amounts, err := a.exportTable(c, claims.MemberID, c.Query("table"), f,
		finance.Page{Sort: q.sort, Desc: q.desc, Size: exportRows})
	if err != nil {
		_ = c.Error(err)
		a.renderError(c, http.StatusInternalServerError, "Ошибка", "Не удалось выгрузить отчёт.")
		return
	}
	if head == nil {
		a.renderError(c, http.StatusNotFound, "Нет такого отчёта", "Выгрузить можно должников и реестр платежей.")
		return
	}
	name := "b24pay-" + c.Query("table")
	if c.Query("format") == "xlsx" {
		if err := writeXLSX(c, name, head, rows, amounts); err != nil {
			_ = c.Error(err)
		}
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Status(http.StatusOK)
	_, _ = c.Writer.Write([]byte("\xEF\xBB\xBF")) // a BOM, so Excel reads the Cyrillic as UTF-8
	w := csv.NewWriter(c.Writer)
	w.Comma = ';' // Excel's separator in the Russian locale
	_ = w.Write(head)
	_ = w.WriteAll(rows)
}

// exportTable returns the header and rows of a table (amounts as plain numbers) and which columns
// are amounts; nil head: no such table.
func (a *App) exportTable(c *gin.Context, memberID, table string, f finance.Filter, p finance.Page) ([]string, [][]string, map[int]bool, error) {
	ctx := c.Request.Context()
	cur := finance.Currency(f.Currency)
	plain := func(m int64) string { return cur.Plain(finance.Major(m, cur)) }
	switch table {
	case "debtors":
		rows, _, err := a.finance.Debtors(ctx, memberID, f, p)
		out := make([][]string, 0, len(rows))
		for _, r := range rows {
			out = append(out, []string{strconv.FormatInt(r.ClientID, 10), r.Name, plain(r.Owed), plain(r.Overdue), r.NextDue,
				strconv.Itoa(r.Schedules)})
		}
		return []string{"ID клиента", "Клиент", "Долг", "Просрочено", "Ближайший срок", "Графиков"}, out,
			map[int]bool{2: true, 3: true}, err
	case "register":
		rows, _, err := a.finance.PaymentsRegister(ctx, memberID, f, p)
		out := make([][]string, 0, len(rows))
		for _, r := range rows {
			out = append(out, []string{r.CreatedAt.In(a.cfg.Timezone).Format("2006-01-02 15:04"), r.Kind, r.ID, r.PaymentID,
				r.Provider, r.ProviderRef, r.Status, plain(r.Amount), plain(r.Paid), plain(r.Refunded), plain(r.Fee), plain(r.Net),
				r.Currency, r.Reconcile})
		}
		return []string{"Создан", "Вид", "ID", "ID платежа", "Провайдер", "ID провайдера", "Статус", "Сумма", "Оплачено",
			"Возвращено", "Комиссия", "Чистыми", "Валюта", "Сверка"}, out, map[int]bool{7: true, 8: true, 9: true, 10: true, 11: true}, err
	}
	return nil, nil, nil, nil
}

// writeXLSX sends the table as one worksheet (github.com/xuri/excelize/v2). Amounts are written as
// their decimal text without a type, which Excel reads as numbers: no float64 on the way.
func writeXLSX(c *gin.Context, name string, head []string, rows [][]string, amounts map[int]bool) error {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	const sheet = "Sheet1"
	all := append([][]string{head}, rows...)
	for r, row := range all {
		for col, v := range row {
			cell, err := excelize.CoordinatesToCellName(col+1, r+1)
			if err != nil {
				return err
			}
			if r > 0 && amounts[col] {
				err = f.SetCellDefault(sheet, cell, v)
			} else {
				err = f.SetCellStr(sheet, cell, v)
			}
			if err != nil {
				return err
			}
		}
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
	c.Header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Status(http.StatusOK)
	return f.Write(c.Writer)
}
