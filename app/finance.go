package app

import "b24pay/finance"

// wireFinance builds the finance domain: company payments booked from Bitrix24 events, and their
// reminders on the reminders' schedule.
func (a *App) wireFinance() error {
	a.finance = finance.NewService(a.db, a.clock, a.cfg.Timezone, a.portals, a.b24, a.log)
	a.finance.RemindDaysBefore(a.cfg.Finance.RemindDays)
	a.finance.SetFees(a.cfg.Finance.Fees)
	a.finance.Register(a.outbox)
	return a.sched.Add("company-payment-reminders", a.cfg.CronReminders, a.finance.RunReminders)
}
