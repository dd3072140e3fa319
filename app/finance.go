package app

import "b24pay/finance"

// wireFinance builds the finance domain: company payments booked from Bitrix24 events.
func (a *App) wireFinance() {
	a.finance = finance.NewService(a.db, a.clock, a.cfg.Timezone, a.portals, a.b24, a.log)
	a.finance.Register(a.outbox)
}
