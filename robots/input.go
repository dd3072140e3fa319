package robots

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"b24pay/schedules"
)

// Bounds of the number of parts.
const (
	MinParts = 2
	MaxParts = 36
)

// Input is a validated split request, stored with its run. First is resolved when the request
// arrives, so a retry days later keeps the same due dates.
type Input struct {
	Parts     int               `json:"parts"`
	Period    schedules.Period  `json:"period"`
	First     schedules.Date    `json:"first"`
	Shares    []decimal.Decimal `json:"shares,omitempty"`
	Stage     string            `json:"stage,omitempty"`
	Remind    bool              `json:"remind"`
	InvoiceID int64             `json:"invoice_id,omitempty"`
}

// Form is the raw request: robot properties or the tab's form, as strings.
type Form struct {
	Parts, Period, FirstDate, FirstInDays, Shares, Stage, Remind, InvoiceID string
}

// FormOf reads a robot call's properties.
func FormOf(property func(string) string) Form {
	return Form{Parts: property(PropParts), Period: property(PropPeriod), FirstDate: property(PropFirstDate),
		FirstInDays: property(PropFirstInDays), Shares: property(PropShares), Stage: property(PropStage),
		Remind: property(PropRemind), InvoiceID: property(PropInvoiceID)}
}

// Input validates the form; today is the portal's date (for an offset in days). The error is a
// *UserError whose text the business process shows.
func (f Form) Input(today schedules.Date) (Input, error) {
	in := Input{Period: schedules.Period{Unit: schedules.PeriodUnit("month"), Every: 1}, Stage: strings.TrimSpace(f.Stage),
		Remind: !isNo(f.Remind)}
	n, err := strconv.Atoi(strings.TrimSpace(f.Parts))
	if err != nil || n < MinParts || n > MaxParts {
		return in, userErrorf("Число частей должно быть от %d до %d, указано: «%s».", MinParts, MaxParts, f.Parts)
	}
	in.Parts = n
	if p := strings.TrimSpace(f.Period); p != "" {
		if in.Period.Unit, err = schedules.ParsePeriodUnit(p); err != nil {
			return in, userErrorf("Неизвестная периодичность «%s»: week, month, quarter, halfyear или year.", p)
		}
	}
	if in.First, err = firstDate(f, today); err != nil {
		return in, err
	}
	if in.Shares, err = parseShares(f.Shares, n); err != nil {
		return in, err
	}
	if s := strings.TrimSpace(f.InvoiceID); s != "" && s != "0" {
		if in.InvoiceID, err = strconv.ParseInt(s, 10, 64); err != nil || in.InvoiceID <= 0 {
			return in, userErrorf("Номер счёта «%s» — не число.", s)
		}
	}
	return in, nil
}

func isNo(s string) bool {
	s = strings.ToUpper(strings.TrimSpace(s))
	return s == "N" || s == "0" || s == "FALSE"
}

// dateLayouts are the forms a date property arrives in (ISO, or the portal's Russian format).
var dateLayouts = []string{"2006-01-02", "02.01.2006"}

func firstDate(f Form, today schedules.Date) (schedules.Date, error) {
	if s := strings.TrimSpace(f.FirstDate); s != "" {
		head, _, _ := strings.Cut(s, " ")
		head, _, _ = strings.Cut(head, "T")
		for _, layout := range dateLayouts {
			if t, err := time.Parse(layout, head); err == nil {
				return schedules.NewDate(t.Year(), t.Month(), t.Day()), nil
			}
		}
		return schedules.Date{}, userErrorf("Не удалось прочитать дату первой оплаты «%s»: нужна дата вида 31.12.2026.", s)
	}
	days := 0
	if s := strings.TrimSpace(f.FirstInDays); s != "" {
		var err error
		if days, err = strconv.Atoi(s); err != nil || days < 0 || days > 3650 {
			return schedules.Date{}, userErrorf("Число дней до первой оплаты должно быть от 0 до 3650, указано: «%s».", s)
		}
	}
	return today.AddDays(days), nil
}

// parseShares reads "50; 30; 20" (also "/" or spaces between, a comma as the decimal mark).
func parseShares(s string, parts int) ([]decimal.Decimal, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '/' || r == ' ' || r == '\t' })
	if len(fields) == 0 {
		return nil, nil
	}
	if len(fields) != parts {
		return nil, userErrorf("Указано долей: %d, а частей: %d — их число должно совпадать.", len(fields), parts)
	}
	out := make([]decimal.Decimal, len(fields))
	sum := decimal.Zero
	for i, x := range fields {
		d, err := decimal.NewFromString(strings.TrimSuffix(strings.ReplaceAll(x, ",", "."), "%"))
		if err != nil || !d.IsPositive() {
			return nil, userErrorf("Доля части %d («%s») должна быть числом больше нуля.", i+1, x)
		}
		out[i], sum = d, sum.Add(d)
	}
	if !sum.Equal(decimal.NewFromInt(100)) {
		return nil, userErrorf("Доли частей должны в сумме давать 100 %%, сейчас %s %%.", strings.ReplaceAll(sum.String(), ".", ","))
	}
	return out, nil
}

// UserError is a problem the business process (or the manager in the tab) must fix: its text is
// returned to Bitrix24 as the robot's error.
type UserError struct{ Text string }

func (e *UserError) Error() string { return e.Text }

func userErrorf(format string, args ...any) error {
	return &UserError{Text: fmt.Sprintf(format, args...)}
}
