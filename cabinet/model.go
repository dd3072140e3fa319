// Package cabinet holds the client cabinet's accounts: registration as a person, an individual
// entrepreneur (ИП) or a company, e-mail verification, sign-in sessions, password reset, manager
// invitations and the throttling of all of them. Secrets (passwords, session ids, link tokens)
// are never stored: passwords as argon2id hashes, tokens as SHA-256.
package cabinet

import "time"

// Account kinds.
const (
	KindPerson  = "person"
	KindIP      = "ip"
	KindCompany = "company"
)

// Bitrix24 card types an account is matched to.
const (
	CardContact = "contact"
	CardCompany = "company"
)

// Account is one client of a portal.
type Account struct {
	ID           int64
	MemberID     string
	Kind         string
	Name         string
	Email        string
	Phone        string
	INN          string `gorm:"column:inn"`
	KPP          string `gorm:"column:kpp"`
	LegalName    string
	LegalAddress string
	Route        string // preferred payment route: invoicebox | sbp | ""
	Reminders    bool
	PasswordHash string
	VerifiedAt   *time.Time
	B24Type      string `gorm:"column:b24_type"`
	B24ID        int64  `gorm:"column:b24_id"`
	// B24Confirmed: the card is the client's own, so its deals are shown — it carries the verified
	// e-mail, came with a manager's invitation or was created for this account. A card found only by
	// phone or ИНН (which anyone may type) is kept for sync but shows nothing until an invitation.
	B24Confirmed bool `gorm:"column:b24_confirmed"`
	// ProfileEditedAt: the client's last own edit of the profile, against which a change of the
	// Bitrix24 card is weighed (the most recent wins).
	ProfileEditedAt *time.Time
	CreatedAt       time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt       time.Time `gorm:"autoUpdateTime:false"`
}

// TableName maps Account to its table.
func (Account) TableName() string { return "cabinet_accounts" }

// Verified tells whether the e-mail was confirmed.
func (a Account) Verified() bool { return a.VerifiedAt != nil }

// OfCompany tells whether the account is a user of its own Bitrix24 company card (several users
// may share one).
func (a Account) OfCompany() bool { return a.Shows() && a.B24Type == CardCompany }

// Card is the Bitrix24 contact or company the account is matched to; zero when none yet.
func (a Account) Card() Card { return Card{Type: a.B24Type, ID: a.B24ID, Own: a.B24Confirmed} }

// Shows tells whether the cabinet may show the deals of the account's card.
func (a Account) Shows() bool { return a.B24ID != 0 && a.B24Confirmed }

// Card names a Bitrix24 contact or company.
type Card struct {
	Type string // CardContact | CardCompany
	ID   int64
	// Own: the card is certainly the client's (found by the verified e-mail, or created for them).
	Own bool
}

type session struct {
	IDHash    string `gorm:"primaryKey"`
	AccountID int64
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
	ExpiresAt time.Time
}

func (session) TableName() string { return "cabinet_sessions" }

// Token purposes.
const (
	purposeVerify = "verify"
	purposeReset  = "reset"
	purposeInvite = "invite"
)

type token struct {
	Hash      string `gorm:"primaryKey"`
	MemberID  string
	Purpose   string
	AccountID int64
	B24Type   string `gorm:"column:b24_type"`
	B24ID     int64  `gorm:"column:b24_id"`
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
}

func (token) TableName() string { return "cabinet_tokens" }

type attempt struct {
	ID     int64
	Bucket string
	At     time.Time
}

func (attempt) TableName() string { return "cabinet_attempts" }

// Change sources.
const (
	SourceCabinet  = "cabinet"
	SourceBitrix24 = "bitrix24"
)

// Change is one field of an account's profile changed in the cabinet or on the Bitrix24 card.
// Applied is false for the losing side of a conflict: both values stay in the history.
type Change struct {
	ID        int64
	MemberID  string
	AccountID int64
	Source    string
	Field     string
	OldValue  string
	NewValue  string
	Applied   bool
	At        time.Time
}

// TableName maps Change to its table.
func (Change) TableName() string { return "cabinet_changes" }
