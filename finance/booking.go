package finance

import (
	"time"

	"github.com/shopspring/decimal"

	"b24pay/schedules"
)

// Booking is one payment booked on a company payment item, with the item's state after it.
type Booking struct {
	ID             int64 `gorm:"primaryKey"`
	MemberID       string
	ItemID         int64
	PayDate        string
	Seq            int // the payment count after this payment
	Anchor         string
	AnchorSeq      int
	CompanyID      int64
	Contract       string
	Currency       string
	AmountMinor    int64
	InterestMinor  int64
	PrincipalMinor int64
	ExcessMinor    int64
	RemainingMinor int64
	PaidTotalMinor int64
	NextDate       string // "" when the item is closed
	Closed         bool
	BookedBy       int64
	BookedAt       time.Time
}

// TableName implements gorm's tabler.
func (Booking) TableName() string { return "company_payment_bookings" }

// book computes the booking of c's current payment after prev (nil for the item's first booking
// by the app, whose state then comes from the item's own fields). Only the principal part reduces
// the remaining debt; a principal above the remaining debt pays it to zero and the rest is excess.
// A regular contract with debt left (or tracking no debt) moves to anchor + n periods; otherwise it closes.
func book(c Contract, prev *Booking) Booking {
	cur := c.Currency
	b := Booking{ItemID: c.ItemID, PayDate: c.PayDate.String(), CompanyID: c.CompanyID, Contract: c.Number, Currency: cur.Code}
	tracked := c.TotalDebt.IsPositive()
	if prev != nil {
		b.Anchor, b.AnchorSeq, b.Seq = prev.Anchor, prev.AnchorSeq, prev.Seq
		b.RemainingMinor, b.PaidTotalMinor = prev.RemainingMinor, prev.PaidTotalMinor
		tracked = tracked || prev.RemainingMinor > 0
	} else {
		b.Anchor, b.AnchorSeq, b.Seq = b.PayDate, c.Count, c.Count
		remaining := c.TotalDebt.Sub(c.PaidTotal)
		if c.RemainSet {
			remaining = c.Remaining
		}
		b.RemainingMinor, b.PaidTotalMinor = minor(remaining, cur), minor(c.PaidTotal, cur)
	}
	b.AmountMinor = minor(c.Amount, cur)
	b.InterestMinor = min(max(minor(c.Interest, cur), 0), b.AmountMinor)
	b.PrincipalMinor = b.AmountMinor - b.InterestMinor
	if tracked && b.PrincipalMinor > b.RemainingMinor {
		b.ExcessMinor = b.PrincipalMinor - b.RemainingMinor
		b.PrincipalMinor = b.RemainingMinor
	}
	if tracked {
		b.RemainingMinor -= b.PrincipalMinor
	}
	b.Seq++
	b.PaidTotalMinor += b.AmountMinor
	b.Closed = !c.Regular || tracked && b.RemainingMinor == 0
	if !b.Closed {
		anchor, _ := schedules.ParseDate(b.Anchor)
		b.NextDate = c.Period.Nth(anchor, b.Seq-b.AnchorSeq).String()
	}
	return b
}

func minor(d decimal.Decimal, cur schedules.Currency) int64 {
	return d.Shift(cur.Minor).Round(0).IntPart()
}

func major(m int64, cur schedules.Currency) decimal.Decimal { return decimal.New(m, -cur.Minor) }

// Major converts minor units of the currency to an amount.
func Major(m int64, cur schedules.Currency) decimal.Decimal { return major(m, cur) }
