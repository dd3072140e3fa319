package schedules

import (
	"fmt"
	"strconv"
	"strings"
)

// PeriodUnit is the length of one step between due dates.
type PeriodUnit string

// Period units understood by the engine.
const (
	Day      PeriodUnit = "day"
	Week     PeriodUnit = "week"
	Month    PeriodUnit = "month"
	Quarter  PeriodUnit = "quarter"
	HalfYear PeriodUnit = "halfyear"
	Year     PeriodUnit = "year"
)

// MaxEvery bounds Period.Every so that 600 steps stay inside years 1..9999.
const MaxEvery = 12

// Period is "every Every Units", e.g. every 2 months.
type Period struct {
	Unit  PeriodUnit `json:"unit"`
	Every int        `json:"every"`
}

// ParsePeriodUnit reads a unit name as used by the CLI and the web form.
func ParsePeriodUnit(s string) (PeriodUnit, error) {
	u := PeriodUnit(strings.ToLower(strings.TrimSpace(s)))
	if u.months() == 0 && u.days() == 0 {
		return "", fmt.Errorf("%w: %q", ErrBadPeriod, s)
	}
	return u, nil
}

// Valid reports whether the unit is known and Every is 1..MaxEvery.
func (p Period) Valid() bool {
	return (p.Unit.months() > 0 || p.Unit.days() > 0) && p.Every >= 1 && p.Every <= MaxEvery
}

// Nth returns the due date n periods after anchor. Month-based periods clamp
// the anchor's day to the target month's length, always counting from the
// anchor (never from the previous date): 31 Jan monthly gives 28/29 Feb,
// 31 Mar, 30 Apr; 29 Feb yearly gives 28 Feb and 29 Feb again four years on.
func (p Period) Nth(anchor Date, n int) Date {
	if m := p.Unit.months(); m > 0 {
		return anchor.AddMonthsClamped(n * m * p.Every)
	}
	return anchor.AddDays(n * p.Unit.days() * p.Every)
}

// months is the unit's length in months, 0 for day and week.
func (u PeriodUnit) months() int {
	switch u {
	case Month:
		return 1
	case Quarter:
		return 3
	case HalfYear:
		return 6
	case Year:
		return 12
	}
	return 0
}

// days is the unit's length in days, 0 for month-based units.
func (u PeriodUnit) days() int {
	switch u {
	case Day:
		return 1
	case Week:
		return 7
	}
	return 0
}

// Term is a plan's duration, e.g. 12m. Units: d (days), w (weeks),
// m (months), q (quarters), h (half-years), y (years).
type Term struct {
	Length int
	Unit   PeriodUnit
}

var termUnits = map[byte]PeriodUnit{'d': Day, 'w': Week, 'm': Month, 'q': Quarter, 'h': HalfYear, 'y': Year}

// ParseTerm reads a term such as "12m", "2y" or "90d".
func ParseTerm(s string) (Term, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 2 {
		return Term{}, fmt.Errorf("%w: %q", ErrBadTerm, s)
	}
	unit, ok := termUnits[s[len(s)-1]]
	n, err := strconv.Atoi(s[:len(s)-1])
	if !ok || err != nil || n < 1 || n > 100000 {
		return Term{}, fmt.Errorf("%w: %q", ErrBadTerm, s)
	}
	return Term{Length: n, Unit: unit}, nil
}

// IsZero reports whether no term was given.
func (t Term) IsZero() bool { return t == Term{} }

// String formats the term as ParseTerm reads it.
func (t Term) String() string {
	for c, u := range termUnits {
		if u == t.Unit {
			return strconv.Itoa(t.Length) + string(c)
		}
	}
	return ""
}

// Periods converts the term into a number of periods. A month-based term
// needs a month-based period and a day/week term a day/week period; the term
// must be a whole number of periods, otherwise ok is false.
func (t Term) Periods(p Period) (n int, ok bool) {
	if !p.Valid() || t.Length < 1 {
		return 0, false
	}
	if tm, pm := t.Unit.months(), p.Unit.months(); tm > 0 && pm > 0 {
		return whole(t.Length*tm, pm*p.Every)
	}
	if td, pd := t.Unit.days(), p.Unit.days(); td > 0 && pd > 0 {
		return whole(t.Length*td, pd*p.Every)
	}
	return 0, false
}

func whole(total, step int) (int, bool) {
	if total%step != 0 {
		return 0, false
	}
	return total / step, true
}

// MarshalText writes the term as "12m" (empty when unset).
func (t Term) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads "12m"; empty text is no term.
func (t *Term) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*t = Term{}
		return nil
	}
	p, err := ParseTerm(string(b))
	if err != nil {
		return err
	}
	*t = p
	return nil
}
