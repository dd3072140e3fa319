// Package instalment stores payment schedules attached to Bitrix24 deals and leads, keeps their
// instalments in step with the portal's «Платежи по графику» smart process, applies payments
// through the schedule allocation rules and reminds managers of what falls due.
package instalment

import (
	"time"

	"github.com/shopspring/decimal"

	"b24pay/schedules"
)

// Schedule statuses.
const (
	ScheduleActive  = "active"
	ScheduleDeleted = "deleted"
)

// Instalment statuses (also the smart-process stage codes, see portal.Stages).
const (
	StatusPlanned    = "planned"
	StatusInvoiced   = "invoiced"
	StatusPartlyPaid = "partly_paid"
	StatusPaid       = "paid"
	StatusOverdue    = "overdue"
	StatusCancelled  = "cancelled"
)

// Sync states of an instalment's smart-process item.
const (
	SyncPending = "pending"
	SyncSynced  = "synced"
	SyncFailed  = "failed"
)

// Schedule is a stored payment schedule of one deal or lead.
type Schedule struct {
	ID            int64
	MemberID      string
	OwnerType     string // deal | lead
	OwnerID       int64
	Title         string
	ClientID      *int64
	ResponsibleID int64
	Scheme        string
	Currency      string
	TotalMinor    int64
	OverpaidMinor int64
	Plan          string // the plan as the manager entered it (JSON)
	Status        string
	CreatedBy     int64
	CreatedAt     time.Time
	UpdatedAt     time.Time `gorm:"autoUpdateTime:false"`
	DeletedAt     *time.Time
}

// TableName maps Schedule to its table.
func (Schedule) TableName() string { return "payment_schedules" }

// Instalment is one row of a schedule.
type Instalment struct {
	ID                int64
	ScheduleID        int64
	MemberID          string
	Seq               int
	Kind              string
	Due               string // YYYY-MM-DD in the portal's time zone
	ShiftedFrom       string // the nominal due date when it was moved to a working day, else ""
	ShiftReason       string // schedules.ShiftReason of that move
	AmountMinor       int64
	PaidMinor         int64
	PaidOn            string // the portal day of the payment that paid it in full, "" until then
	PrincipalMinor    int64
	InterestMinor     int64
	Status            string
	B24ItemID         *int64 `gorm:"column:b24_item_id"`
	B24Sync           string `gorm:"column:b24_sync"`
	B24Error          string `gorm:"column:b24_error"`
	B24Written        string `gorm:"column:b24_written"`
	InvoiceID         *int64
	RemindedAt        *time.Time
	OverdueNotifiedAt *time.Time
	UpdatedAt         time.Time `gorm:"autoUpdateTime:false"`
}

// Outstanding is what is still owed, in minor units.
func (i Instalment) Outstanding() int64 { return i.AmountMinor - i.PaidMinor }

// Open tells whether the instalment still expects money.
func (i Instalment) Open() bool { return i.Status != StatusCancelled && i.Outstanding() > 0 }

// Change is one entry of a schedule's history.
type Change struct {
	ID         int64
	ScheduleID int64
	MemberID   string
	ActorID    int64
	Actor      string
	Action     string
	Detail     string
	CreatedAt  time.Time
}

// TableName maps Change to its table.
func (Change) TableName() string { return "schedule_changes" }

// Client is a contact or company synced from Bitrix24.
type Client struct {
	ID           int64
	MemberID     string
	EntityType   string // contact | company
	B24ID        int64  `gorm:"column:b24_id"`
	Name         string
	INN          string `gorm:"column:inn"`
	KPP          string `gorm:"column:kpp"`
	LegalAddress string
	Email        string
	Phone        string
	Trusted      bool      // may pay by invoice with a deferral of up to 30 days
	UpdatedAt    time.Time `gorm:"autoUpdateTime:false"`
}

// Actor is who makes a change: a Bitrix24 user, or the system.
type Actor struct {
	UserID int64
	Name   string
}

// SystemActor marks changes made by b24pay itself.
var SystemActor = Actor{Name: "b24pay"}

// Owner identifies the deal or lead a schedule belongs to.
type Owner struct {
	MemberID string
	Type     string // deal | lead
	ID       int64
}

// minor converts an amount to minor units of the currency.
func minor(d decimal.Decimal, cur schedules.Currency) int64 {
	return d.Shift(cur.Minor).Round(0).IntPart()
}

// major converts minor units back to an amount.
func major(m int64, cur schedules.Currency) decimal.Decimal {
	return decimal.New(m, -cur.Minor)
}

// deriveStatus is the instalment's status from its money and dates, keeping cancelled and overdue
// marks (overdue is set by the daily pass).
func deriveStatus(i Instalment, today string) string {
	switch {
	case i.Status == StatusCancelled:
		return StatusCancelled
	case i.PaidMinor >= i.AmountMinor:
		return StatusPaid
	case i.Due < today && (i.Status == StatusOverdue):
		return StatusOverdue
	case i.PaidMinor > 0:
		return StatusPartlyPaid
	case i.InvoiceID != nil:
		return StatusInvoiced
	}
	return StatusPlanned
}
