package schedules

// ShiftReason says why a due date was moved to a working day.
type ShiftReason string

// Shift reasons.
const (
	ReasonHoliday       ShiftReason = "holiday"        // an art. 112 holiday
	ReasonWeekend       ShiftReason = "weekend"        // a Saturday or Sunday
	ReasonDayOff        ShiftReason = "day_off"        // a weekday made a day off (decree or art. 112 part 2)
	ReasonAfterPrevious ShiftReason = "after_previous" // the previous payment was moved onto it
)

// shiftToWorkingDays moves each due date to the next working day; a date
// that would then not be after the previous due date moves to the first
// working day after it, so dates keep strictly increasing. A moved row keeps
// its original date and the reason.
func shiftToWorkingDays(ps []Payment, c *Calendar) {
	for i := range ps {
		orig := ps[i].Due
		d, reason := c.NextWorkingDay(orig), c.offReason(orig)
		if i > 0 && !d.After(ps[i-1].Due) {
			d = c.NextWorkingDay(ps[i-1].Due.AddDays(1))
			if reason == "" {
				reason = ReasonAfterPrevious
			}
		}
		if d != orig {
			ps[i].ShiftedFrom, ps[i].ShiftReason = orig, reason
		}
		ps[i].Due = d
	}
}
