package instalment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"b24pay/bitrix"
	"b24pay/portal"
)

// OwnerInfo is the deal or lead as the tab shows it, with its client.
type OwnerInfo struct {
	Owner         `json:"-"`
	Type          string      `json:"type"`
	ID            int64       `json:"id"`
	Title         string      `json:"title"`
	Amount        string      `json:"amount"`
	Currency      string      `json:"currency"`
	Client        *ClientView `json:"client"`
	ClientID      *int64      `json:"-"`
	ResponsibleID int64       `json:"-"`
}

// ClientView is the client block of the tab.
type ClientView struct {
	Type    string `json:"type"`
	Name    string `json:"name"`
	INN     string `json:"inn"`
	KPP     string `json:"kpp"`
	Address string `json:"address"`
	Trusted bool   `json:"trusted"` // invoices get the 30-day deferral
	Phone   string `json:"phone"`
	Email   string `json:"email"`
}

// crmEntity is the subset of crm.deal.get / crm.lead.get we read.
type crmEntity struct {
	Title       string          `json:"TITLE"`
	Opportunity decimal.Decimal `json:"OPPORTUNITY"`
	Currency    string          `json:"CURRENCY_ID"`
	CompanyID   bitrix.ID       `json:"COMPANY_ID"`
	ContactID   bitrix.ID       `json:"CONTACT_ID"`
	AssignedBy  bitrix.ID       `json:"ASSIGNED_BY_ID"`
}

// LoadOwner reads the deal or lead from Bitrix24 and syncs its client into our clients table.
func (s *Service) LoadOwner(ctx context.Context, o Owner) (*OwnerInfo, error) {
	cl, err := s.clients.For(ctx, o.MemberID)
	if err != nil {
		return nil, err
	}
	resp, err := cl.CallIdempotent(ctx, "crm."+o.Type+".get", map[string]any{"id": o.ID})
	if err != nil {
		return nil, err
	}
	var e crmEntity
	if err := json.Unmarshal(resp.Result, &e); err != nil {
		return nil, fmt.Errorf("crm.%s.get: %w", o.Type, err)
	}
	if e.Currency == "" {
		e.Currency = "RUB"
	}
	info := &OwnerInfo{Owner: o, Type: o.Type, ID: o.ID, Title: e.Title, Amount: e.Opportunity.StringFixed(2),
		Currency: e.Currency, ResponsibleID: int64(e.AssignedBy)}
	kind, id := "company", e.CompanyID
	if id == 0 {
		kind, id = "contact", e.ContactID
	}
	if id != 0 {
		c, err := s.SyncClient(ctx, cl, o.MemberID, kind, int64(id))
		if err != nil {
			s.log.Warn("client sync failed", "member_id", o.MemberID, "client", kind, "id", id, "err", err)
		} else {
			info.ClientID = &c.ID
			info.Client = &ClientView{Type: c.EntityType, Name: c.Name, INN: c.INN, KPP: c.KPP, Address: c.LegalAddress,
				Trusted: c.Trusted, Phone: c.Phone, Email: c.Email}
		}
	}
	return info, nil
}

// trustedFlag reads «Доверенный клиент» under its current name, or the one older versions created.
func trustedFlag(card map[string]any, entityID string) bool {
	for _, name := range portal.TrustedFieldNames(entityID) {
		if v, ok := card[name]; ok {
			return truthy(v)
		}
	}
	return false
}

// SyncClient reads a contact or company with its first requisite and upserts our copy.
func (s *Service) SyncClient(ctx context.Context, cl *bitrix.Client, memberID, kind string, id int64) (*Client, error) {
	var card struct {
		Title    string `json:"TITLE"`
		Name     string `json:"NAME"`
		LastName string `json:"LAST_NAME"`
		Address  string `json:"ADDRESS_LEGAL"`
		Email    []struct {
			Value string `json:"VALUE"`
		} `json:"EMAIL"`
		Phone []struct {
			Value string `json:"VALUE"`
		} `json:"PHONE"`
	}
	resp, err := cl.CallIdempotent(ctx, "crm."+kind+".get", map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	var uf map[string]any
	if err := json.Unmarshal(resp.Result, &uf); err != nil {
		return nil, fmt.Errorf("crm.%s.get: %w", kind, err)
	}
	if err := json.Unmarshal(resp.Result, &card); err != nil {
		return nil, fmt.Errorf("crm.%s.get: %w", kind, err)
	}
	c := Client{MemberID: memberID, EntityType: kind, B24ID: id, Name: card.Title, LegalAddress: card.Address,
		Trusted: trustedFlag(uf, "CRM_"+strings.ToUpper(kind)), UpdatedAt: s.clock.Now()}
	if kind == "contact" {
		c.Name = strings.TrimSpace(card.Name + " " + card.LastName)
	}
	if len(card.Email) > 0 {
		c.Email = card.Email[0].Value
	}
	if len(card.Phone) > 0 {
		c.Phone = card.Phone[0].Value
	}
	entityType := map[string]int{"contact": 3, "company": 4}[kind]
	reqs, err := cl.Requisites(ctx, entityType, bitrix.ID(id))
	if err != nil && !errors.Is(err, bitrix.ErrAccessDenied) {
		return nil, err
	}
	if len(reqs) > 0 {
		var rq struct {
			ID  bitrix.ID `json:"ID"`
			INN string    `json:"RQ_INN"`
			KPP string    `json:"RQ_KPP"`
		}
		_ = json.Unmarshal(reqs[0], &rq)
		c.INN, c.KPP = rq.INN, rq.KPP
		if addr := legalAddress(ctx, cl, rq.ID); addr != "" {
			c.LegalAddress = addr
		}
	}
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "member_id"}, {Name: "entity_type"}, {Name: "b24_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "inn", "kpp", "legal_address", "email", "phone", "trusted", "updated_at"}),
	}).Create(&c).Error
	if err != nil {
		return nil, err
	}
	var stored Client
	err = s.db.WithContext(ctx).Where("member_id = ? AND entity_type = ? AND b24_id = ?", memberID, kind, id).Take(&stored).Error
	return &stored, err
}

// truthy reads a Bitrix24 boolean user field, which arrives as "1"/"Y"/true or "0"/"N"/false.
func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case float64:
		return x != 0
	case string:
		return x == "1" || strings.EqualFold(x, "Y") || strings.EqualFold(x, "true")
	}
	return false
}

// Address types of crm.address: 6 is the legal address, 4 the registration address (used for ИП).
var addressPreference = []string{"6", "4", "1"}

// legalAddress reads the requisite's addresses (crm.address, ENTITY_TYPE_ID 8 = requisite) and
// formats the legal one, falling back to the registration address, then any address.
func legalAddress(ctx context.Context, cl *bitrix.Client, requisiteID bitrix.ID) string {
	if requisiteID == 0 {
		return ""
	}
	type address struct {
		TypeID   string `json:"TYPE_ID"`
		Postal   string `json:"POSTAL_CODE"`
		Country  string `json:"COUNTRY"`
		Region   string `json:"REGION"`
		Province string `json:"PROVINCE"`
		City     string `json:"CITY"`
		Line1    string `json:"ADDRESS_1"`
		Line2    string `json:"ADDRESS_2"`
	}
	resp, err := cl.CallIdempotent(ctx, "crm.address.list",
		map[string]any{"filter": map[string]any{"ENTITY_TYPE_ID": 8, "ENTITY_ID": requisiteID}})
	var list []address // a requisite has a handful of addresses: one page is all of them
	if err != nil || json.Unmarshal(resp.Result, &list) != nil || len(list) == 0 {
		return ""
	}
	pick := list[0]
	for _, want := range addressPreference {
		if i := slices.IndexFunc(list, func(a address) bool { return a.TypeID == want }); i >= 0 {
			pick = list[i]
			break
		}
	}
	var parts []string
	for _, p := range []string{pick.Postal, pick.Country, pick.Region, pick.Province, pick.City, pick.Line1, pick.Line2} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// RefreshClient re-reads a client we already know after its card changed in Bitrix24.
func (s *Service) RefreshClient(ctx context.Context, memberID, kind string, id int64) error {
	var n int64
	if err := s.db.WithContext(ctx).Model(&Client{}).Where("member_id = ? AND entity_type = ? AND b24_id = ?", memberID, kind, id).
		Count(&n).Error; err != nil || n == 0 {
		return err
	}
	cl, err := s.clients.For(ctx, memberID)
	if err != nil {
		return err
	}
	_, err = s.SyncClient(ctx, cl, memberID, kind, id)
	return err
}

// RefreshOwner keeps a deal's title and responsible user current on its schedule.
func (s *Service) RefreshOwner(ctx context.Context, o Owner) error {
	err := s.db.WithContext(ctx).Where("member_id = ? AND owner_type = ? AND owner_id = ? AND status = ?",
		o.MemberID, o.Type, o.ID, ScheduleActive).Take(&Schedule{}).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	info, err := s.LoadOwner(ctx, o)
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Model(&Schedule{}).Where("member_id = ? AND owner_type = ? AND owner_id = ? AND status = ?",
		o.MemberID, o.Type, o.ID, ScheduleActive).
		Updates(map[string]any{"title": info.Title, "responsible_id": info.ResponsibleID, "client_id": info.ClientID}).Error
}
