package subscriptions

import (
	"encoding/json"
	"fmt"

	"b24pay/schedules"
)

var unitNames = map[string][3]string{ // one, few, many
	"day": {"день", "дня", "дней"}, "week": {"неделю", "недели", "недель"},
	"month": {"месяц", "месяца", "месяцев"}, "quarter": {"квартал", "квартала", "кварталов"},
	"halfyear": {"полгода", "полугода", "полугодий"}, "year": {"год", "года", "лет"},
}

var everyOne = map[string]string{"day": "ежедневно", "week": "еженедельно", "month": "ежемесячно",
	"quarter": "ежеквартально", "halfyear": "раз в полгода", "year": "ежегодно"}

// PeriodText says the period for people: «ежемесячно», «каждые 2 недели».
func (s Subscription) PeriodText() string {
	if s.PeriodEvery == 1 {
		return everyOne[s.PeriodUnit]
	}
	n := s.PeriodEvery
	form := unitNames[s.PeriodUnit][2]
	switch {
	case n%10 == 1 && n%100 != 11:
		return fmt.Sprintf("каждый %d %s", n, unitNames[s.PeriodUnit][0])
	case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
		form = unitNames[s.PeriodUnit][1]
	}
	return fmt.Sprintf("каждые %d %s", n, form)
}

// EndText says when the subscription ends.
func (s Subscription) EndText() string {
	switch s.EndKind {
	case EndCount:
		return fmt.Sprintf("после %d списаний", s.EndCount)
	case EndDate:
		return "до " + schedules.ISODateRU(s.EndDate)
	}
	return "бессрочно, пока вы не отмените"
}

// Terms is what the client is shown and agrees to.
func (s *Service) Terms(sub Subscription) Terms {
	t := Terms{Merchant: s.cfg.Merchant, Title: sub.Title, Amount: Human(sub.RegularAmount(), sub.Currency),
		Currency: sub.Currency, Period: sub.PeriodText(), Anchor: schedules.ISODateRU(sub.Anchor), End: sub.EndText(), Route: sub.Route,
		HowToCancel: "Отменить или приостановить подписку можно в любой момент по ссылке из письма или по просьбе менеджеру; " +
			"после отмены списаний не будет.", AmountRule: amountChangeRule}
	if sub.FirstAmountMinor != nil {
		t.FirstAmount = Human(*sub.FirstAmountMinor, sub.Currency)
	}
	if sub.Route == RouteInvoicebox {
		t.HowToCancel = "Отменить или приостановить подписку можно в любой момент по ссылке из письма или по просьбе менеджеру; " +
			"после отмены новых счетов не будет, а неоплаченный счёт отзывается."
		t.AmountRule = "Сумма может измениться только со следующего периода; " +
			"счёт больше согласованной суммы мы выставим только после вашего нового согласия."
	}
	return t
}

func (t Terms) json() string {
	b, _ := json.Marshal(t)
	return string(b)
}

// NextDateText is the next charge date for people, «28.02.2027».
func (s *Service) NextDateText(sub Subscription) string { return schedules.ISODateRU(sub.NextChargeOn) }
