package app

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"b24pay/finance"
	"b24pay/schedules"
)

// markCompanyPaymentPaid is «Отметить оплаченным» in the payment calendar: the item's payment of the
// shown date is booked once, the item moves to its next date (or closes) in Bitrix24 and the
// counterparty's totals follow. Admins and users with the finance role only.
func (a *App) markCompanyPaymentPaid(c *gin.Context) {
	claims, ok := a.financeClaims(c)
	if !ok {
		return
	}
	item, err := strconv.ParseInt(c.PostForm("item"), 10, 64)
	date, derr := schedules.ParseDate(c.PostForm("date"))
	if err != nil || item <= 0 || derr != nil {
		a.renderOutgoing(c, claims, http.StatusUnprocessableEntity, "Не указан договор или дата платежа: обновите страницу и нажмите ещё раз.")
		return
	}
	_, err = a.finance.MarkPaid(c.Request.Context(), claims.MemberID,
		finance.MarkPaidInput{ItemID: item, PayDate: date, UserID: claims.UserID, OwnOnly: claims.ownOnly})
	status, msg := markPaidRefusal(err)
	if status == 0 {
		_ = c.Error(err)
		a.renderOutgoing(c, claims, http.StatusBadGateway, "Битрикс24 не ответил, платёж не отмечен. Попробуйте ещё раз.")
		return
	}
	if status != http.StatusOK {
		a.renderOutgoing(c, claims, status, msg)
		return
	}
	q := url.Values{"token": {c.Query("token")}, "view": {"outgoing"}, "paid": {strconv.FormatInt(item, 10)}}
	c.Redirect(http.StatusSeeOther, "/b24/finance?"+q.Encode())
}

// markPaidRefusal maps MarkPaid's answer to a status and what the person can do (status 0: unexpected).
func markPaidRefusal(err error) (int, string) {
	switch {
	case err == nil:
		return http.StatusOK, ""
	case errors.Is(err, finance.ErrContractNotFound):
		return http.StatusNotFound, "Договор не найден в Битрикс24: возможно, его удалили."
	case errors.Is(err, finance.ErrNotResponsible):
		return http.StatusForbidden, "Этот договор ведёт другой сотрудник: вам доступны только ваши договоры."
	case errors.Is(err, finance.ErrContractCancelled):
		return http.StatusConflict, "Договор в стадии «Отменён»: платёж не отмечен."
	case errors.Is(err, finance.ErrPayDateMoved):
		return http.StatusConflict, "Дата платежа в Битрикс24 уже другая: обновите страницу и проверьте календарь."
	}
	return 0, ""
}

// renderOutgoing shows the payment calendar with what went wrong.
func (a *App) renderOutgoing(c *gin.Context, claims financeCaller, status int, problem string) {
	q := parseFinanceQuery(c)
	q.view = "outgoing"
	a.showFinance(c, claims, q, status, problem)
}
