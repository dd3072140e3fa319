package schedules

import (
	_ "embed"
	"fmt"
	"strings"
	"time"
)

//go:embed holidays_ru.txt
var holidaysRU string

// calendar is the Russian production calendar: which dates deviate from the
// plain Monday–Friday week.
type calendar struct {
	off   map[Date]bool // holidays and days off moved onto weekdays
	work  map[Date]bool // weekend days made working days by a transfer
	first int           // first and last year the data covers
	last  int
}

var russia = mustParseCalendar(holidaysRU)

// CalendarYears returns the first and last year covered by the embedded
// holiday data. Outside these years only Saturdays and Sundays are days off,
// so the UI should warn when a business-day plan runs past the last year.
func CalendarYears() (first, last int) { return russia.first, russia.last }

// IsWorkingDay reports whether d is a working day in Russia. A Saturday made
// a working day by a government transfer counts as a working day.
func IsWorkingDay(d Date) bool { return russia.isWorking(d) }

// NextWorkingDay returns d itself if it is a working day, otherwise the first
// working day after it.
func NextWorkingDay(d Date) Date {
	for !russia.isWorking(d) {
		d = d.AddDays(1)
	}
	return d
}

func (c calendar) isWorking(d Date) bool {
	switch {
	case c.work[d]:
		return true
	case c.off[d]:
		return false
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

func mustParseCalendar(text string) calendar {
	c, err := parseCalendar(text)
	if err != nil {
		panic(err) // the file is embedded: a bad line is a build defect caught by tests
	}
	return c
}

func parseCalendar(text string) (calendar, error) {
	c := calendar{off: map[Date]bool{}, work: map[Date]bool{}}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := c.addLine(line); err != nil {
			return calendar{}, fmt.Errorf("holidays_ru.txt line %d: %w", i+1, err)
		}
	}
	return c, nil
}

func (c *calendar) addLine(line string) error {
	fields := strings.Fields(line)
	if len(fields) < 2 {
		return fmt.Errorf("want \"YYYY-MM-DD off|work note\", got %q", line)
	}
	d, err := ParseDate(fields[0])
	if err != nil {
		return err
	}
	switch fields[1] {
	case "off":
		c.off[d] = true
	case "work":
		c.work[d] = true
	default:
		return fmt.Errorf("unknown kind %q", fields[1])
	}
	if c.first == 0 || d.Year < c.first {
		c.first = d.Year
	}
	c.last = max(c.last, d.Year)
	return nil
}
