package finance

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"b24pay/portal"
)

// ContractItem is a «Платежи компании» item as we last saw it: read from Bitrix24, or left by our
// booking. The payment calendar and the reminders read these rows, so every contract shows, also
// one that was never paid.
type ContractItem struct {
	MemberID       string `gorm:"primaryKey"`
	ItemID         int64  `gorm:"primaryKey"`
	CompanyID      int64
	Contract       string
	Currency       string
	AmountMinor    int64
	PayDate        string
	Stage          string // our stage code (portal.CompanyPayment*), "" when not one of ours
	AssignedBy     int64
	RemainingMinor int64
	Closed         bool
	UpdatedAt      time.Time `gorm:"autoUpdateTime:false"`
}

// TableName implements gorm's tabler.
func (ContractItem) TableName() string { return "company_payment_items" }

// contractItem is the row of an item read from Bitrix24 before any booking of ours changes it.
func contractItem(memberID string, c Contract, stage string) ContractItem {
	cur := c.Currency
	remaining := c.TotalDebt.Sub(c.PaidTotal)
	if c.RemainSet {
		remaining = c.Remaining
	}
	ci := ContractItem{MemberID: memberID, ItemID: c.ItemID, CompanyID: c.CompanyID, Contract: c.Number, Currency: cur.Code,
		AmountMinor: minor(c.Amount, cur), Stage: stage, AssignedBy: c.AssignedBy,
		RemainingMinor: minor(remaining, cur), Closed: stage == portal.CompanyPaymentPaid || stage == portal.CompanyPaymentCancelled}
	if !c.PayDate.IsZero() {
		ci.PayDate = c.PayDate.String() // "" for an item without a payment date yet: listed, never reminded
	}
	return ci
}

// afterBooking is the row once the booking b is pushed to the item: the next date and «Запланирован»,
// or closed in «Оплачен».
func (ci ContractItem) afterBooking(b Booking) ContractItem {
	ci.RemainingMinor, ci.Closed, ci.Stage = b.RemainingMinor, b.Closed, portal.CompanyPaymentPaid
	if !b.Closed {
		ci.PayDate, ci.Stage = b.NextDate, portal.CompanyPaymentPlanned
	}
	return ci
}

// remember stores the item's row (the last write wins: every write is a fresh read or our own push).
func (s *Service) remember(ctx context.Context, ci ContractItem) error {
	ci.UpdatedAt = s.clock.Now().UTC()
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "member_id"}, {Name: "item_id"}},
		UpdateAll: true,
	}).Create(&ci).Error
}
