// Package portal keeps the Bitrix24 installation: its credentials (encrypted at rest), its status
// and what provisioning created there, and hands out one REST client per portal.
package portal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"b24pay/bitrix"
	"b24pay/clock"
	"b24pay/secret"
	"b24pay/store"
)

// Portal statuses.
const (
	StatusInstalled   = "installed"
	StatusUninstalled = "uninstalled"
)

// ErrNotFound means no portal is stored under that member id.
var ErrNotFound = errors.New("portal: not installed")

// Portal is one installation. Token fields hold sealed values; use Repo to read them in clear.
type Portal struct {
	MemberID         string `gorm:"primaryKey"`
	Domain           string
	ClientEndpoint   string
	ServerEndpoint   string
	AccessToken      string
	RefreshToken     string
	ExpiresAt        *time.Time
	ApplicationToken string
	Scope            string
	InstalledBy      int64
	Status           string
	Provisioning     string
	InstalledAt      time.Time
	UninstalledAt    *time.Time
	TokenGeneration  int64     // bumped by every install and uninstall; signed into tab and admin tokens
	UpdatedAt        time.Time `gorm:"autoUpdateTime:false"`
}

// Provisioned records what install created in the portal, so later calls know the ids.
type Provisioned struct {
	SPATypeID       int               `json:"spa_type_id"`
	SPAEntityTypeID int               `json:"spa_entity_type_id"`
	CategoryID      int               `json:"category_id"`
	Stages          map[string]string `json:"stages"` // our stage code → Bitrix24 STATUS_ID
	DealDebtField   string            `json:"deal_debt_field"`
	PaySystems      int               `json:"pay_systems"` // our pay systems in place after the last install
	CompanyPayments CompanyPayments   `json:"company_payments"`
}

// Installed tells whether the app is currently installed.
func (p *Portal) Installed() bool { return p.Status == StatusInstalled }

// Provisioned decodes what provisioning stored.
func (p *Portal) Provisioned() Provisioned {
	var v Provisioned
	_ = json.Unmarshal([]byte(p.Provisioning), &v)
	return v
}

// Repo stores portals.
type Repo struct {
	db    *store.DB
	box   *secret.Box
	clock clock.Clock
}

// NewRepo builds a repository sealing tokens with box.
func NewRepo(db *store.DB, box *secret.Box, clk clock.Clock) *Repo {
	return &Repo{db: db, box: box, clock: clk}
}

// Get returns the stored portal (installed or not).
func (r *Repo) Get(ctx context.Context, memberID string) (*Portal, error) {
	var p Portal
	err := r.db.WithContext(ctx).Where("member_id = ?", memberID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &p, err
}

// Current returns the portal this local application serves, if any was ever installed.
func (r *Repo) Current(ctx context.Context) (*Portal, error) {
	var p Portal
	err := r.db.WithContext(ctx).Order("installed_at DESC").Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &p, err
}

// Credentials opens the sealed tokens of p.
func (r *Repo) Credentials(p *Portal) (bitrix.Credentials, error) {
	c := bitrix.Credentials{MemberID: p.MemberID, ClientEndpoint: p.ClientEndpoint, ServerEndpoint: p.ServerEndpoint,
		Scope: p.Scope, UserID: bitrix.ID(p.InstalledBy)}
	if p.ExpiresAt != nil {
		c.ExpiresAt = *p.ExpiresAt
	}
	var err error
	if c.AccessToken, err = r.open(p.AccessToken, p.MemberID, "access"); err != nil {
		return c, err
	}
	if c.RefreshToken, err = r.open(p.RefreshToken, p.MemberID, "refresh"); err != nil {
		return c, err
	}
	c.ApplicationToken, err = r.open(p.ApplicationToken, p.MemberID, "application")
	return c, err
}

func (r *Repo) open(sealed, memberID, kind string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	v, err := r.box.Open(sealed, "portal:"+memberID+":"+kind)
	if err != nil {
		return "", fmt.Errorf("portal %s: %s token: %w", memberID, kind, err)
	}
	return v, nil
}

func (r *Repo) seal(plain, memberID, kind string) (string, error) {
	if plain == "" {
		return "", nil
	}
	return r.box.Seal(plain, "portal:"+memberID+":"+kind)
}

// SaveInstall stores (or replaces) the installation with fresh credentials.
func (r *Repo) SaveInstall(ctx context.Context, domain string, c bitrix.Credentials) (*Portal, error) {
	now := r.clock.Now()
	p := &Portal{MemberID: c.MemberID, Domain: domain, ClientEndpoint: c.ClientEndpoint, ServerEndpoint: c.ServerEndpoint,
		Scope: c.Scope, InstalledBy: int64(c.UserID), Status: StatusInstalled, Provisioning: "{}", InstalledAt: now, UpdatedAt: now}
	if err := r.fill(p, c); err != nil {
		return nil, err
	}
	err := r.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "member_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"domain", "client_endpoint", "server_endpoint", "access_token",
			"refresh_token", "expires_at", "application_token", "scope", "installed_by", "status", "installed_at", "updated_at"}),
	}).Create(p).Error
	if err != nil {
		return nil, err
	}
	if err := r.db.WithContext(ctx).Model(&Portal{}).Where("member_id = ?", p.MemberID).
		Updates(map[string]any{"uninstalled_at": nil, "token_generation": gorm.Expr("token_generation + 1")}).Error; err != nil {
		return nil, err
	}
	return r.Get(ctx, c.MemberID)
}

func (r *Repo) fill(p *Portal, c bitrix.Credentials) error {
	var err error
	if p.AccessToken, err = r.seal(c.AccessToken, c.MemberID, "access"); err != nil {
		return err
	}
	if p.RefreshToken, err = r.seal(c.RefreshToken, c.MemberID, "refresh"); err != nil {
		return err
	}
	if p.ApplicationToken, err = r.seal(c.ApplicationToken, c.MemberID, "application"); err != nil {
		return err
	}
	if !c.ExpiresAt.IsZero() {
		t := c.ExpiresAt.UTC()
		p.ExpiresAt = &t
	}
	return nil
}

// SaveTokens persists a refreshed token pair (called by the client before it uses the pair).
func (r *Repo) SaveTokens(ctx context.Context, c bitrix.Credentials) error {
	var p Portal
	if err := r.fill(&p, c); err != nil {
		return err
	}
	return r.db.WithContext(ctx).Model(&Portal{}).Where("member_id = ? AND status = ?", c.MemberID, StatusInstalled).
		Updates(map[string]any{"access_token": p.AccessToken, "refresh_token": p.RefreshToken,
			"expires_at": p.ExpiresAt, "updated_at": r.clock.Now()}).Error
}

// SaveProvisioned records what provisioning created.
func (r *Repo) SaveProvisioned(ctx context.Context, memberID string, v Provisioned) error {
	b, _ := json.Marshal(v)
	return r.db.WithContext(ctx).Model(&Portal{}).Where("member_id = ?", memberID).
		Updates(map[string]any{"provisioning": string(b), "updated_at": r.clock.Now()}).Error
}

// MarkUninstalled wipes the tokens and marks the portal uninstalled; business data stays.
func (r *Repo) MarkUninstalled(ctx context.Context, memberID string) error {
	now := r.clock.Now()
	return r.db.WithContext(ctx).Model(&Portal{}).Where("member_id = ?", memberID).Updates(map[string]any{
		"status": StatusUninstalled, "access_token": "", "refresh_token": "", "expires_at": nil,
		"uninstalled_at": now, "updated_at": now, "token_generation": gorm.Expr("token_generation + 1"),
	}).Error
}
