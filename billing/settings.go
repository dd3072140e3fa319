package billing

import (
	"context"
	"encoding/json"
	"time"

	"b24pay/clock"
	"b24pay/secret"
	"b24pay/store"
)

// Settings are one route's settings (API URL, merchant id, keys) as an admin saved them.
type Settings map[string]string

// SettingsStore keeps each portal's route settings sealed with the master key.
type SettingsStore struct {
	db    *store.DB
	box   *secret.Box
	clock clock.Clock
}

// NewSettingsStore builds the store.
func NewSettingsStore(db *store.DB, box *secret.Box, clk clock.Clock) *SettingsStore {
	return &SettingsStore{db: db, box: box, clock: clk}
}

type settingsRow struct {
	MemberID  string
	Provider  string
	Sealed    string
	UpdatedBy int64
	UpdatedAt time.Time `gorm:"autoUpdateTime:false"`
}

func (settingsRow) TableName() string { return "provider_settings" }

func associated(memberID, provider string) string {
	return "provider-settings:" + memberID + ":" + provider
}

// Load returns the saved settings of a portal by route.
func (s *SettingsStore) Load(ctx context.Context, memberID string) (map[string]Settings, error) {
	var rows []settingsRow
	if err := s.db.WithContext(ctx).Where("member_id = ?", memberID).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string]Settings{}
	for _, r := range rows {
		plain, err := s.box.Open(r.Sealed, associated(memberID, r.Provider))
		if err != nil {
			return nil, err
		}
		var v Settings
		if err := json.Unmarshal([]byte(plain), &v); err != nil {
			return nil, err
		}
		out[r.Provider] = v
	}
	return out, nil
}

// sealed is a route's settings row, encrypted.
func (s *SettingsStore) sealed(memberID, provider string, v Settings, by int64, now time.Time) (settingsRow, error) {
	plain, _ := json.Marshal(v)
	sealed, err := s.box.Seal(string(plain), associated(memberID, provider))
	return settingsRow{MemberID: memberID, Provider: provider, Sealed: sealed, UpdatedBy: by, UpdatedAt: now}, err
}
