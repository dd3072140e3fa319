package instalment

import (
	"fmt"

	"gorm.io/gorm"

	"b24pay/schedules"
)

// applyPayment allocates money (minor units) to a schedule: the target instalment first (the one the
// manager marked), the rest oldest first through the engine's allocation rules; what no instalment
// needs is recorded as overpayment. rows are updated in place and saved.
func (s *Service) applyPayment(tx *gorm.DB, sch Schedule, rows []Instalment, targetID int64, amount int64) (string, error) {
	cur, _ := schedules.LookupCurrency(sch.Currency)
	open := make([]schedules.Open, 0, len(rows))
	idx := map[int]int{}
	for i, r := range rows {
		if r.Status == StatusCancelled {
			continue
		}
		d, _ := schedules.ParseDate(r.Due)
		o := schedules.Open{Seq: r.Seq, Due: d, Amount: major(r.AmountMinor, cur), Paid: major(r.PaidMinor, cur)}
		if r.ID == targetID {
			o.Due = schedules.Date{Year: 1, Month: 1, Day: 1} // first in line
		}
		open = append(open, o)
		idx[r.Seq] = i
	}
	alloc := schedules.Allocate(open, major(amount, cur))
	today := s.today().String()
	now := s.clock.Now()
	parts := []string{}
	var changed []int64
	for _, a := range alloc.Applied {
		r := &rows[idx[a.Seq]]
		r.PaidMinor += minor(a.Received, cur)
		r.Status = deriveStatus(*r, today)
		r.PaidOn = paidOn(*r, today)
		parts = append(parts, fmt.Sprintf("№%d +%s", r.Seq, cur.Human(a.Received)))
		changed = append(changed, r.ID)
		if err := tx.Model(&Instalment{}).Where("id = ?", r.ID).Updates(map[string]any{"paid_minor": r.PaidMinor,
			"status": r.Status, "paid_on": r.PaidOn, "b24_sync": SyncPending, "updated_at": now}).Error; err != nil {
			return "", err
		}
	}
	if err := s.markInvoicesPaid(tx, rows); err != nil {
		return "", err
	}
	if err := s.amountsChanged(tx, sch.MemberID, changed); err != nil {
		return "", err
	}
	if over := minor(alloc.Overpayment, cur); over > 0 {
		parts = append(parts, "переплата "+cur.Human(alloc.Overpayment))
		if err := tx.Model(&Schedule{}).Where("id = ?", sch.ID).
			Update("overpaid_minor", gorm.Expr("overpaid_minor + ?", over)).Error; err != nil {
			return "", err
		}
	}
	return joinLimited(parts, 8), nil
}

// unapply lowers what an instalment received (a manager corrected the paid amount downwards).
func (s *Service) unapply(tx *gorm.DB, r *Instalment, newPaid int64) error {
	r.PaidMinor = max(newPaid, 0)
	if r.Status == StatusPaid || r.Status == StatusPartlyPaid {
		r.Status = StatusPlanned
	}
	r.Status = deriveStatus(*r, s.today().String())
	r.PaidOn = paidOn(*r, s.today().String())
	if err := tx.Model(&Instalment{}).Where("id = ?", r.ID).Updates(map[string]any{"paid_minor": r.PaidMinor,
		"status": r.Status, "paid_on": r.PaidOn, "b24_sync": SyncPending, "updated_at": s.clock.Now()}).Error; err != nil {
		return err
	}
	return s.amountsChanged(tx, r.MemberID, []int64{r.ID})
}

// paidOn is the day an instalment was paid in full: kept from the payment that completed it, today
// when this one does, "" while money is missing (a refund or a lowered amount reopens it).
func paidOn(r Instalment, today string) string {
	switch {
	case r.PaidMinor < r.AmountMinor:
		return ""
	case r.PaidOn != "":
		return r.PaidOn
	}
	return today
}
