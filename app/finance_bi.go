package app

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"b24pay/finance"
	"b24pay/portal"
)

// biFinance answers BI tools with the dashboard figures and the debtors of the installed portal as
// JSON (amounts as decimal strings). It wants "Authorization: Bearer <B24PAY_BI_TOKEN>".
func (a *App) biFinance(c *gin.Context) {
	if a.cfg.Finance.BIToken == "" {
		c.JSON(http.StatusNotFound, gin.H{"error": "bi_disabled", "hint": "set B24PAY_BI_TOKEN"})
		return
	}
	got, _ := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if subtle.ConstantTimeCompare([]byte(got), []byte(a.cfg.Finance.BIToken)) != 1 {
		c.Header("WWW-Authenticate", `Bearer realm="bi"`)
		c.JSON(http.StatusUnauthorized, gin.H{"error": "bad_token"})
		return
	}
	ctx := c.Request.Context()
	p, err := a.portals.Current(ctx)
	if errors.Is(err, portal.ErrNotFound) || err == nil && !p.Installed() {
		c.JSON(http.StatusNotFound, gin.H{"error": "not_installed"})
		return
	}
	f, errs := finance.FilterInput{Manager: c.Query("manager"), From: c.Query("from"), To: c.Query("to"),
		Route: c.Query("route"), Currency: c.Query("currency")}.Parse()
	if len(errs) > 0 {
		c.JSON(http.StatusBadRequest, gin.H{"error": "bad_filter", "fields": errs})
		return
	}
	var d finance.Dashboard
	var debtors []finance.Debtor
	if err == nil {
		d, err = a.finance.Dashboard(ctx, p.MemberID, f)
	}
	if err == nil {
		debtors, _, err = a.finance.Debtors(ctx, p.MemberID, f, finance.Page{Size: exportRows})
	}
	if err != nil {
		_ = c.Error(err)
		c.JSON(http.StatusInternalServerError, gin.H{"error": "internal"})
		return
	}
	c.JSON(http.StatusOK, biReport(d, debtors))
}

// biReport shapes the figures for BI: amounts are decimal strings in the currency's units.
func biReport(d finance.Dashboard, debtors []finance.Debtor) gin.H {
	amt := func(m int64) string { return d.Currency.Plain(finance.Major(m, d.Currency)) }
	aging := gin.H{}
	for i, b := range finance.AgingBuckets {
		aging[b.Label] = amt(d.Aging[i])
	}
	months := func(list []finance.MonthSum) []gin.H {
		out := []gin.H{}
		for _, m := range list {
			out = append(out, gin.H{"month": m.Month, "amount": amt(m.Minor)})
		}
		return out
	}
	rows := []gin.H{}
	for _, r := range debtors {
		rows = append(rows, gin.H{"client_id": r.ClientID, "name": r.Name, "owed": amt(r.Owed), "overdue": amt(r.Overdue),
			"next_due": r.NextDue, "schedules": r.Schedules})
	}
	return gin.H{"currency": d.Currency.Code, "today": d.Today.String(), "receivable": amt(d.Receivable),
		"overdue": amt(d.Overdue), "due_7_days": amt(d.Due7), "due_30_days": amt(d.Due30), "aging": aging,
		"paid_this_month": amt(d.PaidMonth), "refunded_this_month": amt(d.RefundedMonth),
		"fees_this_month": amt(d.FeesMonth), "net_this_month": amt(d.NetMonth()), "forecast": months(d.Forecast),
		"collected_by_month": months(d.Collected),
		"paid_on_time":       gin.H{"due": d.OnTime.Due, "on_time": d.OnTime.OnTime, "percent": d.OnTime.Percent()},
		"outgoing":           gin.H{"paid_this_month": amt(d.Outgoing.PaidMonth), "remaining_principal": amt(d.Outgoing.Remaining)},
		"debtors":            rows}
}
