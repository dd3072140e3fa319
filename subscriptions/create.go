package subscriptions

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"b24pay/schedules"
)

// clientRow is our copy of the Bitrix24 contact or company (the shared clients table).
type clientRow struct {
	ID         int64
	MemberID   string
	EntityType string
	B24ID      int64 `gorm:"column:b24_id"`
	Name       string
	Email      string
	UpdatedAt  time.Time `gorm:"autoUpdateTime:false"`
}

func (clientRow) TableName() string { return "clients" }

// Create stores a subscription awaiting the client's consent. Bad input and unavailable routes are
// refused before anything is written; the client row and the subscription commit together.
func (s *Service) Create(ctx context.Context, in CreateInput) (Subscription, error) {
	if err := in.Validate(); err != nil {
		return Subscription{}, err
	}
	if err := s.checkRoute(in.Route, in.Currency); err != nil {
		return Subscription{}, err
	}
	cur, _ := schedules.LookupCurrency(in.Currency)
	now := s.clock.Now()
	sub := Subscription{MemberID: in.MemberID, DealID: in.DealID, ManagerID: in.ManagerID,
		Title: strings.TrimSpace(in.Title), Email: in.Client.Email, AmountMinor: minor(in.Amount, cur),
		Currency: cur.Code, PeriodUnit: in.PeriodUnit, PeriodEvery: in.PeriodEvery, Anchor: in.Start,
		EndKind: in.EndKind, EndCount: in.EndCount, EndDate: in.EndDate, Route: in.Route,
		Status: StatusAwaitingConsent, NextChargeOn: in.Start, PayToken: randomToken(), CreatedAt: now, UpdatedAt: now}
	if in.EndKind != EndCount {
		sub.EndCount = 0
	}
	if in.EndKind != EndDate {
		sub.EndDate = ""
	}
	if in.FirstAmount != nil {
		v := minor(*in.FirstAmount, cur)
		sub.FirstAmountMinor = &v
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		id, err := upsertClient(tx, in, now)
		if err != nil {
			return err
		}
		sub.ClientID = id
		if sub.Route == RouteInvoicebox {
			if err := checkRequisites(tx, id); err != nil {
				return err
			}
		}
		return tx.Create(&sub).Error
	})
	return sub, err
}

// checkRoute refuses a route this install cannot bill. The card route needs YooKassa and the SBP
// route a bank that has SBP subscriptions enabled; both take roubles only. The invoice route needs
// billing's Invoicebox route open, in a currency it takes (the client's requisites are checked by
// Create).
func (s *Service) checkRoute(route, currency string) error {
	switch route {
	case RouteCard:
		if s.card == nil {
			return unavailable("оплата картой не настроена: подключите ЮKassa")
		}
		if strings.ToUpper(currency) != "RUB" {
			return fieldErr("currency", "картой через ЮKassa списываются только рубли")
		}
		return nil
	case RouteSBP:
		if s.sbp == nil {
			return unavailable("подписки СБП не подключены: их включает банк, после этого включите их в настройках")
		}
		if strings.ToUpper(currency) != "RUB" {
			return fieldErr("currency", "по СБП списываются только рубли")
		}
		return nil
	case RouteInvoicebox:
		return s.checkInvoiceRoute(currency)
	}
	return unavailable("выберите способ оплаты: карта, СБП или счёт")
}

func unavailable(msg string) error {
	return fmt.Errorf("%w: %w", ErrRouteUnavailable, &FieldError{Field: "route", Message: msg})
}

func upsertClient(tx *gorm.DB, in CreateInput, now time.Time) (int64, error) {
	c := clientRow{MemberID: in.MemberID, EntityType: in.Client.EntityType, B24ID: in.Client.B24ID,
		Name: in.Client.Name, Email: in.Client.Email, UpdatedAt: now}
	err := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "member_id"}, {Name: "entity_type"}, {Name: "b24_id"}},
		DoNothing: true, // the card sync owns the copy's details; we only make sure the row exists
	}).Create(&c).Error
	if err != nil {
		return 0, err
	}
	var stored clientRow
	err = tx.Where("member_id = ? AND entity_type = ? AND b24_id = ?", in.MemberID, in.Client.EntityType, in.Client.B24ID).
		Take(&stored).Error
	return stored.ID, err
}

func minor(d decimal.Decimal, cur schedules.Currency) int64 {
	return d.Shift(cur.Minor).IntPart()
}

func major(m int64, currency string) decimal.Decimal {
	cur, err := schedules.LookupCurrency(currency)
	if err != nil {
		return decimal.New(m, -2)
	}
	return decimal.New(m, -cur.Minor)
}

// Human formats minor units for people: «990,00 ₽».
func Human(m int64, currency string) string {
	cur, err := schedules.LookupCurrency(currency)
	if err != nil {
		return major(m, currency).String() + " " + currency
	}
	return cur.Human(major(m, currency))
}

// ClientRef reads our copy of a client of the portal; email, when given, is used instead of the
// copy's (the manager may type the address the client wants mail at).
func (s *Service) ClientRef(ctx context.Context, memberID string, clientID int64, email string) (ClientRef, error) {
	var c clientRow
	err := s.db.WithContext(ctx).Where("member_id = ? AND id = ?", memberID, clientID).Take(&c).Error
	if err != nil {
		return ClientRef{}, notFound(err)
	}
	if email == "" {
		email = c.Email
	}
	return ClientRef{EntityType: c.EntityType, B24ID: c.B24ID, Name: c.Name, Email: email}, nil
}
