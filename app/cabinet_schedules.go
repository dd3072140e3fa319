package app

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/cabinet"
	"b24pay/instalment"
	"b24pay/schedules"
	"b24pay/templates"
)

// clientSchedules are the account's schedules (none before its Bitrix24 card is matched).
func (a *App) clientSchedules(c *gin.Context, acct cabinet.Account) ([]instalment.ClientSchedule, error) {
	if !acct.Shows() {
		return nil, nil
	}
	return a.instalments.ForClient(c.Request.Context(), acct.MemberID, acct.B24Type, acct.B24ID)
}

func (a *App) today() string { return a.clock.Now().In(a.cfg.Timezone).Format("2006-01-02") }

func (a *App) cabinetScheduleViews(list []instalment.ClientSchedule) []templates.CabinetSchedule {
	today := a.today()
	out := make([]templates.CabinetSchedule, 0, len(list))
	for _, s := range list {
		v := templates.CabinetSchedule{Title: s.Title}
		var total, paid int64
		for _, r := range s.Rows {
			if r.Status == instalment.StatusCancelled {
				continue
			}
			total, paid = total+r.AmountMinor, paid+r.PaidMinor
			v.Rows = append(v.Rows, templates.CabinetInstalment{ID: r.ID, Seq: r.Seq, Due: schedules.ISODateRU(r.Due),
				Amount: s.Human(r.AmountMinor), Paid: s.Human(r.PaidMinor), Status: r.Status,
				StatusLabel: instalment.StatusLabels[r.Status], Overdue: overdue(r, today), Open: r.Open()})
		}
		v.Total, v.Paid, v.Remaining = s.Human(total), s.Human(paid), s.Human(total-paid)
		out = append(out, v)
	}
	return out
}

func overdue(r instalment.Instalment, today string) bool {
	return r.Open() && (r.Status == instalment.StatusOverdue || r.Due < today)
}

// payRoutes are the routes a client may pay by now.
func (a *App) payRoutes() []templates.CabinetRoute {
	var out []templates.CabinetRoute
	for _, r := range []templates.CabinetRoute{{Code: "sbp", Label: "Оплатить по СБП"}, {Code: "invoicebox", Label: "Счёт для юрлица"}} {
		if a.payments != nil && a.payments.Has(r.Code) {
			out = append(out, r)
		}
	}
	return out
}

// cabinetSchedules lists the client's plans with every instalment and a pay button for open ones.
func (a *App) cabinetSchedules(c *gin.Context) {
	acct := accountOf(c)
	list, err := a.clientSchedules(c, acct)
	if err != nil {
		a.cabinetFail(c, err)
		return
	}
	p := a.cabinetPage(c, "Графики платежей", "schedules")
	p.Unmatched, p.Schedules, p.Routes = !acct.Shows(), a.cabinetScheduleViews(list), a.payRoutes()
	p.Notice = noticeText[c.Query("notice")]
	a.render(c, http.StatusOK, "cabinet_schedules.html", p)
}

var noticeText = map[string]string{
	"saved":         "Данные сохранены.",
	"nothing":       "Этот платёж уже оплачен.",
	"route":         "Этот способ оплаты сейчас недоступен. Выберите другой.",
	"wait":          "Платёжная система не ответила вовремя. Мы проверяем статус — попробуйте через минуту.",
	"paused":        "Подписка приостановлена.",
	"resumed":       "Подписка снова действует.",
	"cancelled":     "Подписка отменена. Списаний больше не будет.",
	"cancel_at_end": "Подписка закончится вместе с оплаченным периодом. Новых списаний не будет.",
	"invited":       "Приглашение отправлено.",
	"removed":       "Доступ сотрудника закрыт.",
	"sub_state":     "Состояние подписки уже изменилось. Посмотрите, что с ней сейчас.",
	"route_changed": "Готово: платёж получен, дальше подписка оплачивается новым способом.",
	"sub_paid":      "Платёж получен. Подписка действует.",
	"pay_wait":      "Ждём подтверждения оплаты. Если вы уже оплатили, проверьте через минуту.",
	"pay_failed":    "Оплата не прошла. Всё осталось как было.",
}
