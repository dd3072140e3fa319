// Package finance keeps the company's own payments (leasing, loans, rent) of the «Платежи компании»
// smart process, booked once per item and payment date, and the debt dashboards over our tables.
package finance

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"b24pay/bitrix"
	"b24pay/portal"
	"b24pay/schedules"
)

// Contract is an item of «Платежи компании» as read from Bitrix24: one contract and its next payment.
type Contract struct {
	ItemID     int64
	StageID    string
	CompanyID  int64
	AssignedBy int64 // the responsible user: the reminders go to them
	Number     string
	Currency   schedules.Currency
	Amount     decimal.Decimal // the payment
	Interest   decimal.Decimal // its interest part (does not reduce the debt)
	PayDate    schedules.Date
	Regular    bool
	Period     schedules.Period
	TotalDebt  decimal.Decimal // zero: the contract tracks no debt (rent)
	Remaining  decimal.Decimal
	PaidTotal  decimal.Decimal
	Count      int
	RemainSet  bool // the item has a remaining debt of its own
}

// itemFields are the crm.item fields readContract needs (select of crm.item.list).
func itemFields(cp portal.CompanyPayments) []string {
	out := []string{"id", "stageId", "companyId", "currencyId", "assignedById"}
	for _, f := range []string{portal.CPContractNumber, portal.CPAmount, portal.CPInterest,
		portal.CPPayDate, portal.CPRegular, portal.CPEvery, portal.CPUnit, portal.CPTotalDebt, portal.CPRemaining,
		portal.CPPaidTotal, portal.CPPayCount} {
		out = append(out, cp.FieldName(f))
	}
	return out
}

// readContract decodes an item (docs: api-reference/crm/universal/crm-item-get.md: user fields come
// under their camelCase names, dates as ISO 8601, booleans as Y/N).
func readContract(it *bitrix.Item, cp portal.CompanyPayments) (Contract, error) {
	var raw map[string]json.RawMessage
	if err := it.Decode(&raw); err != nil {
		return Contract{}, err
	}
	f := func(postfix string) json.RawMessage { return raw[cp.FieldName(postfix)] }
	c := Contract{ItemID: int64(it.ID), Number: text(f(portal.CPContractNumber))}
	_ = json.Unmarshal(raw["stageId"], &c.StageID)
	c.CompanyID = int64(number(raw["companyId"]).IntPart())
	c.AssignedBy = int64(number(raw["assignedById"]).IntPart())
	c.Currency = currencyOf(text(raw["currencyId"]))
	c.Amount, c.Interest = number(f(portal.CPAmount)), number(f(portal.CPInterest))
	c.TotalDebt, c.PaidTotal = number(f(portal.CPTotalDebt)), number(f(portal.CPPaidTotal))
	c.Remaining, c.RemainSet = number(f(portal.CPRemaining)), !empty(f(portal.CPRemaining))
	c.Count = int(number(f(portal.CPPayCount)).IntPart())
	c.Regular = yes(f(portal.CPRegular))
	c.PayDate, _ = date(f(portal.CPPayDate))
	c.Period = schedules.Period{Unit: periodUnit(text(f(portal.CPUnit))), Every: max(1, int(number(f(portal.CPEvery)).IntPart()))}
	if c.Regular && !c.Period.Valid() {
		return c, fmt.Errorf("item %d: periodicity every %d %q is not valid", c.ItemID, c.Period.Every, c.Period.Unit)
	}
	return c, nil
}

func empty(v json.RawMessage) bool {
	s := string(v)
	return len(v) == 0 || s == "null" || s == `""` || s == "false"
}

func text(v json.RawMessage) string {
	if empty(v) {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}

func number(v json.RawMessage) decimal.Decimal {
	d, err := decimal.NewFromString(strings.TrimSpace(text(v)))
	if err != nil {
		return decimal.Zero
	}
	return d
}

func yes(v json.RawMessage) bool {
	switch strings.ToLower(text(v)) {
	case "y", "1", "true", "yes":
		return true
	}
	return false
}

func date(v json.RawMessage) (schedules.Date, error) {
	s := text(v)
	if len(s) > 10 {
		s = s[:10]
	}
	return schedules.ParseDate(s)
}

// periodUnit reads the periodicity unit a person types in Bitrix24 (Russian or the engine's names);
// an empty unit is monthly.
func periodUnit(s string) schedules.PeriodUnit {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return schedules.Month
	}
	if u, err := schedules.ParsePeriodUnit(s); err == nil {
		return u
	}
	for prefix, u := range map[string]schedules.PeriodUnit{"дн": schedules.Day, "ден": schedules.Day, "нед": schedules.Week,
		"мес": schedules.Month, "квар": schedules.Quarter, "год": schedules.Year, "лет": schedules.Year} {
		if strings.HasPrefix(s, prefix) {
			return u
		}
	}
	return schedules.PeriodUnit(s)
}
