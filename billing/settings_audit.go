package billing

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SettingsChange is one save of a portal's payment settings: who, when, and the routes switched
// on after it (no secrets).
type SettingsChange struct {
	ID        int64
	MemberID  string
	UserID    int64
	UserName  string
	Routes    string // e.g. "invoicebox, sbp"; empty when every route is off
	ChangedAt time.Time
}

// TableName maps SettingsChange to its table.
func (SettingsChange) TableName() string { return "settings_audit" }

// SaveAll stores every route's settings and records who saved them, in one transaction.
func (s *SettingsStore) SaveAll(ctx context.Context, memberID string, routes map[string]Settings, by int64, byName string) error {
	now := s.clock.Now()
	var on []string
	rows := make([]settingsRow, 0, len(routes))
	for provider, v := range routes {
		row, err := s.sealed(memberID, provider, v, by, now)
		if err != nil {
			return err
		}
		rows = append(rows, row)
		if v["enabled"] == "1" {
			on = append(on, provider)
		}
	}
	slices.Sort(on)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for i := range rows {
			if err := upsertSettings(tx, &rows[i]); err != nil {
				return err
			}
		}
		return tx.Create(&SettingsChange{MemberID: memberID, UserID: by, UserName: byName,
			Routes: strings.Join(on, ", "), ChangedAt: now}).Error
	})
}

// History is the portal's last settings changes, newest first.
func (s *SettingsStore) History(ctx context.Context, memberID string, limit int) ([]SettingsChange, error) {
	var out []SettingsChange
	return out, s.db.WithContext(ctx).Where("member_id = ?", memberID).Order("changed_at DESC, id DESC").
		Limit(limit).Find(&out).Error
}

func upsertSettings(tx *gorm.DB, row *settingsRow) error {
	return tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "member_id"}, {Name: "provider"}},
		DoUpdates: clause.AssignmentColumns([]string{"sealed", "updated_by", "updated_at"}),
	}).Create(row).Error
}

// UserNames are the names the given users left in the portal's settings saves (the newest of
// each), for older saves recorded before names were.
func (s *SettingsStore) UserNames(ctx context.Context, memberID string, ids []int64) (map[int64]string, error) {
	var rows []SettingsChange
	err := s.db.WithContext(ctx).Where("member_id = ? AND user_id IN ? AND user_name <> ''", memberID, ids).
		Order("changed_at DESC, id DESC").Find(&rows).Error
	out := map[int64]string{}
	for _, r := range rows {
		if _, ok := out[r.UserID]; !ok {
			out[r.UserID] = r.UserName
		}
	}
	return out, err
}
