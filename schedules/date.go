package schedules

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is a civil calendar date with no time of day and no time zone.
// The zero value means "not set". Due dates everywhere in b24pay are Dates,
// written as YYYY-MM-DD.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d. It does not normalise: use ParseDate or
// Valid to check input from outside.
func NewDate(y int, m time.Month, d int) Date { return Date{Year: y, Month: m, Day: d} }

// ParseDate reads a date written as YYYY-MM-DD and rejects impossible dates
// such as 2025-02-30.
func ParseDate(s string) (Date, error) {
	if len(s) != len("2006-01-02") {
		return Date{}, fmt.Errorf("%w: %q is not YYYY-MM-DD", ErrBadDate, s)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%w: %q is not YYYY-MM-DD", ErrBadDate, s)
	}
	d := dateOf(t)
	if !d.Valid() {
		return Date{}, fmt.Errorf("%w: %q is out of range", ErrBadDate, s)
	}
	return d, nil
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether the date exists in the proleptic Gregorian calendar
// and lies in years 1..9999.
func (d Date) Valid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < time.January || d.Month > time.December {
		return false
	}
	return d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// RU formats the date as people in Russia read it: DD.MM.YYYY.
func (d Date) RU() string {
	return fmt.Sprintf("%02d.%02d.%04d", d.Day, int(d.Month), d.Year)
}

// ISODateRU writes a YYYY-MM-DD date as 02.01.2027; anything else is returned as it is.
func ISODateRU(iso string) string {
	d, err := ParseDate(iso)
	if err != nil {
		return iso
	}
	return d.RU()
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month) - int(e.Month))
	default:
		return sign(d.Day - e.Day)
	}
}

// Before reports whether d is strictly earlier than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is strictly later than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.time().Weekday() }

// AddDays returns the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date { return dateOf(d.time().AddDate(0, 0, n)) }

// AddMonthsClamped returns the date n months later with the day clamped to
// the length of the target month: 31 Jan + 1 month = 28 Feb (29 in a leap year).
func (d Date) AddMonthsClamped(n int) Date {
	months := d.Year*12 + int(d.Month) - 1 + n
	y, m := months/12, time.Month(months%12+1)
	return Date{Year: y, Month: m, Day: min(d.Day, daysIn(y, m))}
}

// MarshalText implements encoding.TextMarshaler (YYYY-MM-DD; empty when unset).
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; empty text is the zero date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// MarshalJSON writes "YYYY-MM-DD", or null when the date is unset.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%w: %s", ErrBadDate, b)
	}
	return d.UnmarshalText([]byte(s))
}

func (d Date) time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

func dateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
