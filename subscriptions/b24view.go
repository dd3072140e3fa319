package subscriptions

import (
	"context"
	"strings"
)

var statusNames = map[string]string{
	StatusAwaitingConsent: "Ждёт согласия клиента", StatusActive: "Действует", StatusPastDue: "Просрочена",
	StatusPaused: "На паузе", StatusSuspended: "Приостановлена", StatusCancelled: "Отменена", StatusEnded: "Завершена",
}

var routeNames = map[string]string{RouteCard: "Карта (автоплатёж)", RouteSBP: "СБП", RouteInvoicebox: "Счёт"}

// B24View is what the «Подписки» item of a subscription shows.
type B24View struct {
	ID          int64
	ItemID      int64 // 0 until the item exists
	Title       string
	Status      string // for people
	NextDate    string // YYYY-MM-DD, empty when nothing more is due
	Amount      string // "990.00"
	Currency    string
	Route       string
	PaidCount   int
	PaidTotal   string
	ClientType  string // contact or company
	ClientB24ID int64
	DealID      int64
	ManagerID   int64
}

// B24View reads the subscription as Bitrix24 should show it now.
func (s *Service) B24View(ctx context.Context, memberID string, id int64) (B24View, error) {
	sub, err := s.Get(ctx, memberID, id)
	if err != nil {
		return B24View{}, err
	}
	var c clientRow
	if err := s.db.WithContext(ctx).Where("id = ?", sub.ClientID).Take(&c).Error; err != nil {
		return B24View{}, notFound(err)
	}
	v := B24View{ID: sub.ID, ItemID: sub.B24ItemID, Title: sub.Title, Status: statusNames[sub.Status],
		Amount: major(sub.RegularAmount(), sub.Currency).StringFixed(2), Currency: sub.Currency, Route: routeNames[sub.Route],
		PaidCount: sub.PaidCount, PaidTotal: major(sub.PaidMinor, sub.Currency).StringFixed(2),
		ClientType: c.EntityType, ClientB24ID: c.B24ID, DealID: sub.DealID, ManagerID: sub.ManagerID}
	if sub.Status == StatusActive || sub.Status == StatusPastDue || sub.Status == StatusPaused {
		v.NextDate = sub.NextChargeOn
	}
	return v, nil
}

// SetB24Item records the Bitrix24 item of a subscription (once; a known item is kept).
func (s *Service) SetB24Item(ctx context.Context, memberID string, id, itemID int64) error {
	return s.db.WithContext(ctx).Model(&Subscription{}).
		Where("member_id = ? AND id = ? AND b24_item_id = 0", memberID, id).Update("b24_item_id", itemID).Error
}

// Title of the item: «Подписка «…»».
func (v B24View) ItemTitle() string { return "Подписка: " + strings.TrimSpace(v.Title) }
