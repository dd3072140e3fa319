package finance

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Role kinds: the finance role is granted to a Bitrix24 user or to a whole department.
const (
	RoleUser       = "user"
	RoleDepartment = "department"
)

// Role grants the finance pages to a Bitrix24 user or department (the portal's admins always see them).
type Role struct {
	MemberID  string `gorm:"primaryKey"`
	Kind      string `gorm:"primaryKey"`
	RefID     int64  `gorm:"primaryKey"`
	OwnOnly   bool   // sees only the deals and contracts the user is responsible for
	GrantedBy int64
	GrantedAt time.Time
}

// TableName implements gorm's tabler.
func (Role) TableName() string { return "finance_roles" }

// Grants are who holds the finance role: users who see everything, users who see only their own
// deals and contracts (a manager), and the same for every member of a department or of one below it.
type Grants struct {
	Users, OwnUsers, Departments, OwnDepartments []int64
}

// Access is what a user's finance role lets them see.
type Access struct {
	Granted bool
	OwnOnly bool // only the deals and contracts they are responsible for
}

// ParseIDs reads a list of Bitrix24 ids typed by a person: "1, 7 12" (commas, semicolons or spaces).
func ParseIDs(s string) ([]int64, error) {
	var out []int64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\t' || r == '\r' }) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("«%s» — не номер: укажите числовые ID через запятую", f)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// Grants lists who holds the finance role in a portal.
func (s *Service) Grants(ctx context.Context, memberID string) (Grants, error) {
	var rows []Role
	var g Grants
	err := s.db.WithContext(ctx).Where("member_id = ?", memberID).Order("kind, ref_id").Find(&rows).Error
	for _, r := range rows {
		switch {
		case r.Kind == RoleDepartment && r.OwnOnly:
			g.OwnDepartments = append(g.OwnDepartments, r.RefID)
		case r.Kind == RoleDepartment:
			g.Departments = append(g.Departments, r.RefID)
		case r.OwnOnly:
			g.OwnUsers = append(g.OwnUsers, r.RefID)
		default:
			g.Users = append(g.Users, r.RefID)
		}
	}
	return g, err
}

// SetGrants replaces who holds the finance role (one transaction: never half of the old list).
func (s *Service) SetGrants(ctx context.Context, memberID string, g Grants, by int64) error {
	now := s.clock.Now().UTC()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("member_id = ?", memberID).Delete(&Role{}).Error; err != nil {
			return err
		}
		var rows []Role
		for _, list := range []struct {
			kind string
			own  bool
			ids  []int64
		}{{RoleUser, false, g.Users}, {RoleUser, true, g.OwnUsers}, {RoleDepartment, false, g.Departments},
			{RoleDepartment, true, g.OwnDepartments}} {
			for _, id := range list.ids {
				rows = append(rows, Role{MemberID: memberID, Kind: list.kind, RefID: id, OwnOnly: list.own, GrantedBy: by, GrantedAt: now})
			}
		}
		if len(rows) == 0 {
			return nil
		}
		return tx.Create(&rows).Error
	})
}

// RoleOf tells what the finance role of a user, or of one of their departments, lets them see; a
// grant to see everything wins over a grant of their own deals only. The user's departments are read
// (from Bitrix24, cached for DepartmentsTTL) only when the portal grants the role to a department and the
// user's own grant does not already let them see everything; a department's grant reaches the
// departments below it.
func (s *Service) RoleOf(ctx context.Context, memberID string, userID int64) (Access, error) {
	var rows []Role
	if err := s.db.WithContext(ctx).Where("member_id = ? AND (kind = ? AND ref_id = ? OR kind = ?)", memberID, RoleUser, userID, RoleDepartment).
		Find(&rows).Error; err != nil {
		return Access{}, err
	}
	var a Access
	var byDepartment []Role
	for _, r := range rows {
		if r.Kind == RoleDepartment {
			byDepartment = append(byDepartment, r)
			continue
		}
		a = a.with(r)
	}
	if len(byDepartment) == 0 || a.Granted && !a.OwnOnly {
		return a, nil
	}
	mine, err := s.userDepartments(ctx, memberID, userID)
	if err != nil {
		return Access{}, err
	}
	for _, r := range byDepartment {
		if slices.Contains(mine, r.RefID) {
			a = a.with(r)
		}
	}
	return a, nil
}

// with widens the access by one grant.
func (a Access) with(r Role) Access {
	if !a.Granted {
		return Access{Granted: true, OwnOnly: r.OwnOnly}
	}
	return Access{Granted: true, OwnOnly: a.OwnOnly && r.OwnOnly}
}
