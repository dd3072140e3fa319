package app

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/instalment"
	"b24pay/schedules"
	"b24pay/subscriptions"
	"b24pay/templates"
)

// cabinetOverview is the first screen: the next payment, what is owed and what is overdue.
func (a *App) cabinetOverview(c *gin.Context) {
	acct := accountOf(c)
	list, err := a.clientSchedules(c, acct)
	if err != nil {
		a.cabinetFail(c, err)
		return
	}
	subs, err := a.clientSubscriptions(c)
	if err != nil {
		a.cabinetFail(c, err)
		return
	}
	p := a.cabinetPage(c, "Обзор", "overview")
	p.Unmatched, p.Overview = !acct.Shows(), a.overview(list)
	subscriptionsOverview(p.Overview, subs)
	a.render(c, http.StatusOK, "cabinet_overview.html", p)
}

func (a *App) overview(list []instalment.ClientSchedule) *templates.CabinetOverview {
	today := a.today()
	o := &templates.CabinetOverview{}
	var next *instalment.Instalment
	var nextOf instalment.ClientSchedule
	var owed, late int64
	for _, s := range list {
		for i, r := range s.Rows {
			if !r.Open() {
				continue
			}
			owed += r.Outstanding()
			if overdue(r, today) {
				late += r.Outstanding()
				o.OverdueCount++
			}
			if next == nil || r.Due < next.Due {
				next, nextOf = &s.Rows[i], s
			}
		}
	}
	if len(list) == 0 {
		return o
	}
	o.Owed, o.Overdue = list[0].Human(owed), list[0].Human(late)
	if next != nil {
		o.HasNext, o.NextDue, o.NextAmount, o.NextTitle = true, schedules.ISODateRU(next.Due), nextOf.Human(next.Outstanding()), nextOf.Title
		o.NextOverdue = overdue(*next, today)
	}
	return o
}

// subscriptionsOverview counts the live subscriptions and finds the nearest charge.
func subscriptionsOverview(o *templates.CabinetOverview, subs []subscriptions.Subscription) {
	next := ""
	for _, s := range subs {
		switch s.Status {
		case subscriptions.StatusActive, subscriptions.StatusPastDue:
			if !s.CancelAtPeriodEnd && (next == "" || s.NextChargeOn < next) {
				next, o.SubNextAmount = s.NextChargeOn, subscriptions.Human(s.AmountMinor, s.Currency)
			}
		case subscriptions.StatusPaused, subscriptions.StatusSuspended:
		default:
			continue
		}
		o.Subscriptions++
	}
	if next != "" {
		o.SubNext = schedules.ISODateRU(next)
	}
}
