package instalment

import (
	"strconv"

	"gorm.io/gorm"

	"b24pay/mail"
	"b24pay/schedules"
)

// receipt queues, in the transaction that books the money, the client's e-mail about a payment
// received for a schedule. The key names the booking's history entry, and billing books a payment
// once however often it is reported, so the letter goes out once. The address is the one on the
// deal's contact or company card as last read; without one no letter is sent (logged).
func (s *Service) receipt(tx *gorm.DB, sch Schedule, rows []Instalment, amountMinor int64, applied string, changeID int64) error {
	c := clientByID(tx, sch.ClientID)
	if c == nil || c.Email == "" {
		s.log.Info("no receipt e-mail: the client has no e-mail address", "schedule", sch.ID, "member", sch.MemberID)
		return nil
	}
	cur, _ := schedules.LookupCurrency(sch.Currency)
	human := func(m int64) string { return cur.Human(major(m, cur)) }
	d := mail.Data{Merchant: s.merchant, ClientName: c.Name, Title: sch.Title, Amount: human(amountMinor),
		ChargeDate: s.clock.Now().In(s.loc).Format("02.01.2006"), Applied: applied}
	var remaining int64
	for _, r := range rows { // in Seq order, as applied
		if !r.Open() {
			continue
		}
		remaining += r.Outstanding()
		if d.NextDate == "" {
			d.NextAmount, d.NextDate = human(r.Outstanding()), schedules.ISODateRU(r.Due)
		}
	}
	d.Remaining = human(remaining)
	return mail.Enqueue(tx, s.clock.Now(), sch.MemberID, mail.Letter{Key: "instalment-receipt:" + strconv.FormatInt(changeID, 10),
		To: c.Email, Kind: mail.InstalmentReceipt, Data: d})
}
