package schedules

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"time"
)

//go:embed transfers_ru.txt
var transfersRU string

// Transfer is one line of a government decree «О переносе выходных дней»:
// the day off of From (a Saturday or Sunday, often a New Year holiday) moves
// to To, a weekday that becomes a day off. From itself becomes a working day
// unless it is a public holiday.
type Transfer struct {
	From Date   `json:"from"`
	To   Date   `json:"to"`
	Note string `json:"note,omitempty"`
}

// Calendar is the Russian production calendar for a five-day week, for any
// year: the non-working holidays of Labour Code art. 112 (1–6 and 8 January,
// 7 January, 23 February, 8 March, 1 May, 9 May, 12 June, 4 November); a
// holiday other than a January one that falls on a Saturday or Sunday gives
// the next working day off (art. 112 part 2) unless a decree moves that day
// elsewhere; and the decrees' transfers. A Calendar is safe for concurrent use.
type Calendar struct {
	transfers []Transfer
	moved     map[Date]bool // the From of every transfer
	years     sync.Map      // int → map[Date]dayKind, computed on first use
}

// dayKind is what a date is when it is not a plain weekday or weekend day.
type dayKind uint8

const (
	kindHoliday    dayKind = iota + 1 // art. 112 holiday
	kindDayOff                        // a weekday made a day off (transfer or art. 112 part 2)
	kindWorkingDay                    // a weekend day made a working day by a transfer
)

// holidaysRU are the art. 112 non-working holidays as month and day, the
// januaryHolidays New Year and Christmas days first.
const januaryHolidays = 8

var holidaysRU = [...]struct {
	month time.Month
	day   int
}{
	{time.January, 1}, {time.January, 2}, {time.January, 3}, {time.January, 4}, {time.January, 5},
	{time.January, 6}, {time.January, 7}, {time.January, 8}, {time.February, 23}, {time.March, 8},
	{time.May, 1}, {time.May, 9}, {time.June, 12}, {time.November, 4},
}

// builtinTransfers are the decrees built into this release (transfers_ru.txt).
var builtinTransfers = mustParseTransfers(transfersRU)

// Russia is the calendar with the built-in decrees only.
var Russia, _ = NewCalendar(nil)

func mustParseTransfers(text string) []Transfer {
	ts, err := parseTransfers(text)
	if err != nil {
		panic(err) // the file is embedded: a bad line is a build defect caught by tests
	}
	return ts
}

// NewCalendar returns the calendar with the built-in decrees and extra, the
// transfers an administrator entered. A year that has extra transfers takes
// only those (by the year of To): the administrator enters that year's decree
// whole, which also corrects a provisional built-in one. Errors are
// ValidationErrors on the fields "transfers.from" and "transfers.to" with the
// 1-based row of extra.
func NewCalendar(extra []Transfer) (*Calendar, error) {
	if err := ValidateTransfers(extra); err != nil {
		return nil, err
	}
	own := map[int]bool{}
	for _, t := range extra {
		own[t.To.Year] = true
	}
	c := &Calendar{moved: map[Date]bool{}}
	for _, t := range builtinTransfers {
		if !own[t.To.Year] {
			c.transfers = append(c.transfers, t)
		}
	}
	c.transfers = append(c.transfers, extra...)
	for _, t := range c.transfers {
		c.moved[t.From] = true
	}
	return c, nil
}

// IsHoliday reports whether d is an art. 112 non-working holiday.
func IsHoliday(d Date) bool {
	for _, h := range holidaysRU {
		if d.Month == h.month && d.Day == h.day {
			return true
		}
	}
	return false
}

func isWeekend(d Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// IsWorkingDay reports whether d is a working day in Russia by the built-in
// calendar.
func IsWorkingDay(d Date) bool { return Russia.IsWorkingDay(d) }

// NextWorkingDay returns d itself if it is a working day by the built-in
// calendar, otherwise the first working day after it.
func NextWorkingDay(d Date) Date { return Russia.NextWorkingDay(d) }

// IsWorkingDay reports whether d is a working day. A Saturday made a working
// day by a transfer counts as a working day.
func (c *Calendar) IsWorkingDay(d Date) bool {
	switch c.year(d.Year)[d] {
	case kindWorkingDay:
		return true
	case kindHoliday, kindDayOff:
		return false
	}
	return !isWeekend(d)
}

// NextWorkingDay returns d itself if it is a working day, otherwise the first
// working day after it.
func (c *Calendar) NextWorkingDay(d Date) Date {
	for !c.IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// offReason says why d is not a working day ("" when it is one).
func (c *Calendar) offReason(d Date) ShiftReason {
	switch c.year(d.Year)[d] {
	case kindWorkingDay:
		return ""
	case kindHoliday:
		return ReasonHoliday
	case kindDayOff:
		return ReasonDayOff
	}
	if isWeekend(d) {
		return ReasonWeekend
	}
	return ""
}

// year returns the dates of year y that are not plain weekdays or weekend days.
func (c *Calendar) year(y int) map[Date]dayKind {
	if m, ok := c.years.Load(y); ok {
		return m.(map[Date]dayKind)
	}
	m := map[Date]dayKind{}
	for _, h := range holidaysRU {
		m[NewDate(y, h.month, h.day)] = kindHoliday
	}
	for _, t := range c.transfers {
		if t.To.Year == y {
			m[t.To] = kindDayOff
		}
		if t.From.Year == y && !IsHoliday(t.From) {
			m[t.From] = kindWorkingDay
		}
	}
	for _, h := range holidaysRU[januaryHolidays:] { // art. 112 part 2 excludes January
		d := NewDate(y, h.month, h.day)
		if !isWeekend(d) || c.moved[d] {
			continue
		}
		for d = d.AddDays(1); isWeekend(d) || m[d] != 0; d = d.AddDays(1) {
		}
		m[d] = kindDayOff
	}
	actual, _ := c.years.LoadOrStore(y, m)
	return actual.(map[Date]dayKind)
}

// ValidateTransfers checks transfers as an administrator enters them: both
// dates given and real, From a Saturday or Sunday, To a weekday that is not a
// holiday and at most a year from From, and no date used twice.
func ValidateTransfers(ts []Transfer) error {
	var es ValidationErrors
	from, to := map[Date]bool{}, map[Date]bool{}
	for i, t := range ts {
		row := i + 1
		validateTransferDate(&es, "transfers.from", row, t.From, from, func(d Date) bool { return isWeekend(d) }, CodeNotWeekend)
		validateTransferDate(&es, "transfers.to", row, t.To, to, func(d Date) bool { return !isWeekend(d) && !IsHoliday(d) }, CodeNotWeekday)
		if t.From.Valid() && t.To.Valid() && (t.To.After(t.From.AddDays(366)) || t.To.Before(t.From.AddDays(-366))) {
			es.add(&ValidationError{Field: "transfers.to", Code: CodeOutOfRange, Row: row,
				Min: t.From.AddDays(-366).String(), Max: t.From.AddDays(366).String()})
		}
	}
	return es.err()
}

func validateTransferDate(es *ValidationErrors, field string, row int, d Date, seen map[Date]bool, fits func(Date) bool, code Code) {
	switch {
	case d.IsZero():
		es.add(&ValidationError{Field: field, Code: CodeRequired, Row: row})
	case !d.Valid():
		es.add(&ValidationError{Field: field, Code: CodeInvalid, Row: row})
	case !fits(d):
		es.add(&ValidationError{Field: field, Code: code, Row: row})
	case seen[d]:
		es.add(&ValidationError{Field: field, Code: CodeDuplicate, Row: row})
	}
	seen[d] = true
}

// DecreeYears returns the first and last year that have built-in transfers.
func DecreeYears() (first, last int) {
	for _, t := range builtinTransfers {
		if first == 0 || t.To.Year < first {
			first = t.To.Year
		}
		last = max(last, t.To.Year)
	}
	return first, last
}

// parseTransfers reads "FROM TO note" lines; # starts a comment.
func parseTransfers(text string) ([]Transfer, error) {
	var out []Transfer
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.SplitN(line, " ", 3)
		if len(fields) < 3 {
			return nil, fmt.Errorf("transfers_ru.txt line %d: want \"FROM TO note\", got %q", i+1, line)
		}
		from, err1 := ParseDate(fields[0])
		to, err2 := ParseDate(fields[1])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("transfers_ru.txt line %d: bad date in %q", i+1, line)
		}
		out = append(out, Transfer{From: from, To: to, Note: strings.TrimSpace(fields[2])})
	}
	return out, nil
}
