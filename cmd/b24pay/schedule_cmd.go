package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"b24pay/schedules"
)

// scheduleFlags holds the raw flag values of b24pay schedule.
type scheduleFlags struct {
	total, currency, scheme, count, term, period, every, first, down, plan, rate string
	businessDays, json                                                           bool
}

func (f *scheduleFlags) register(c *cliCommand) {
	fs := c.fs
	fs.StringVar(&f.total, "total", "", required("`AMOUNT` of the schedule, e.g. 10060.00 or 10 060,00"))
	fs.StringVar(&f.currency, "currency", "RUB", "ISO 4217 currency")
	fs.StringVar(&f.scheme, "scheme", "", "equal|full|custom|annuity|differentiated (default equal, custom with -plan)")
	fs.StringVar(&f.count, "count", "", required("`N` payments without the down payment, unless -term or -plan is given"))
	fs.StringVar(&f.term, "term", "", "term instead of -count, e.g. 12m, 2y, 90d")
	fs.StringVar(&f.period, "period", "month", "day|week|month|quarter|halfyear|year")
	fs.StringVar(&f.every, "every", "1", "step: every K periods")
	fs.StringVar(&f.first, "first", "", required("`DATE` of the first payment, YYYY-MM-DD (not with -plan)"))
	fs.StringVar(&f.down, "down", "", "down payment: an amount 2500.00 or a percentage 25%")
	fs.StringVar(&f.plan, "plan", "", "own schedule: 2025-02-01=3000.00;2025-03-01=7060.00 (or =30%; ',' also separates items)")
	fs.StringVar(&f.rate, "rate", "", "annual interest rate in percent for annuity/differentiated, e.g. 12.5")
	fs.BoolVar(&f.businessDays, "business-days", false, "move due dates off Russian weekends and holidays to the next working day")
	fs.BoolVar(&f.json, "json", false, "print JSON")
}

// runSchedule is `b24pay schedule`: it prints the payment schedule of a plan.
func runSchedule(args []string, stdout, stderr io.Writer) int {
	c := newCommand("schedule", "b24pay schedule -total AMOUNT (-count N | -term T | -plan ITEMS) [flags]",
		"Prints a payment schedule: equal, full, custom, annuity or differentiated.", 0)
	var f scheduleFlags
	f.register(c)
	if code, done := c.parse(args, stdout, stderr); done {
		return code
	}
	plan, err := f.toPlan()
	if err != nil {
		return c.fail(stderr, err)
	}
	s, err := schedules.Build(plan)
	if err != nil {
		return c.fail(stderr, validationProblem(err))
	}
	if f.json {
		return writeCommandJSON(stdout, stderr, s)
	}
	printSchedule(stdout, s)
	return 0
}

func (f *scheduleFlags) toPlan() (schedules.Plan, error) {
	p := schedules.Plan{Currency: f.currency, Scheme: schedules.Scheme(f.scheme), BusinessDays: f.businessDays}
	if p.Scheme == "" {
		p.Scheme = schedules.Equal
		if f.plan != "" {
			p.Scheme = schedules.Custom
		}
	}
	steps := []func(*schedules.Plan) error{f.parseTotal, f.parseCount, f.parseTerm, f.parsePeriod,
		f.parseFirst, f.parseDown, f.parseRows, f.parseRate}
	for _, step := range steps {
		if err := step(&p); err != nil {
			return p, err
		}
	}
	return p, nil
}

func (f *scheduleFlags) parseTotal(p *schedules.Plan) (err error) {
	if f.total == "" {
		return &flagProblem{"total", "required"}
	}
	p.Total, err = flagAmount("total", f.total)
	return err
}

func (f *scheduleFlags) parseCount(p *schedules.Plan) (err error) {
	if f.count == "" {
		return nil
	}
	if p.Count, err = flagInt("count", f.count); err == nil && p.Count < 1 {
		// 0 would read as "not given" to the engine.
		return &flagProblem{"count", fmt.Sprintf("must be from 1 to %d", schedules.MaxCount)}
	}
	return err
}

func (f *scheduleFlags) parseTerm(p *schedules.Plan) (err error) {
	if f.term == "" {
		return nil
	}
	if p.Term, err = schedules.ParseTerm(f.term); err != nil {
		return &flagProblem{"term", fmt.Sprintf("%q is not a term, e.g. 12m, 2y, 8w, 90d", f.term)}
	}
	return nil
}

func (f *scheduleFlags) parsePeriod(p *schedules.Plan) (err error) {
	p.Period, err = flagPeriod(f.period, f.every)
	return err
}

func (f *scheduleFlags) parseFirst(p *schedules.Plan) (err error) {
	if f.first != "" {
		p.First, err = flagDate("first", f.first)
	}
	return err
}

func (f *scheduleFlags) parseDown(p *schedules.Plan) (err error) {
	switch {
	case f.down == "":
		return nil
	case strings.HasSuffix(f.down, "%"):
		p.Down.Percent, err = flagAmount("down", strings.TrimSuffix(f.down, "%"))
	default:
		p.Down.Amount, err = flagAmount("down", f.down)
	}
	return err
}

func (f *scheduleFlags) parseRate(p *schedules.Plan) (err error) {
	if f.rate != "" {
		p.AnnualRate, err = flagAmount("rate", strings.TrimSuffix(f.rate, "%"))
	}
	return err
}

// parseRows reads -plan: DATE=AMOUNT or DATE=PERCENT% items separated by ';' or ','.
func (f *scheduleFlags) parseRows(p *schedules.Plan) error {
	if f.plan == "" {
		return nil
	}
	for i, item := range planItems(f.plan) {
		row, err := parsePlanRow(item)
		if err != nil {
			return &flagProblem{"plan", fmt.Sprintf("item %d: %s", i+1, err)}
		}
		p.Rows = append(p.Rows, row)
	}
	return nil
}

// planItems splits -plan into items at ';' or, when there is none, at ','. A ',' followed by a
// part without '=' is a decimal comma (2025-02-01=3000,50), not a separator.
func planItems(s string) []string {
	sep := ","
	if strings.Contains(s, ";") {
		sep = ";"
	}
	var items []string
	for _, part := range strings.Split(s, sep) {
		if n := len(items); n > 0 && sep == "," && !strings.Contains(part, "=") {
			items[n-1] += "," + part
			continue
		}
		items = append(items, strings.TrimSpace(part))
	}
	return items
}

func parsePlanRow(item string) (schedules.Row, error) {
	d, v, ok := strings.Cut(item, "=")
	if !ok {
		return schedules.Row{}, fmt.Errorf("expected DATE=AMOUNT or DATE=PERCENT%%, got %q", item)
	}
	due, err := schedules.ParseDate(strings.TrimSpace(d))
	if err != nil {
		return schedules.Row{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", d)
	}
	row := schedules.Row{Due: due}
	amount, err := parseNumber(strings.TrimSuffix(strings.TrimSpace(v), "%"))
	if err != nil {
		return schedules.Row{}, fmt.Errorf("%q is not a number", v)
	}
	if strings.HasSuffix(strings.TrimSpace(v), "%") {
		row.Percent = amount
	} else {
		row.Amount = amount
	}
	return row, nil
}

func writeCommandJSON(stdout, stderr io.Writer, v any) int {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintln(stderr, "b24pay:", err)
		return 1
	}
	return 0
}

var schemeNames = map[schedules.Scheme]string{
	schedules.Equal: "equal payments", schedules.Full: "full payment", schedules.Custom: "custom plan",
	schedules.Annuity: "annuity", schedules.Differentiated: "differentiated payments",
}

// shiftNote says why a due date moved ("from 2029-01-01: holiday"); empty when it did not.
func shiftNote(p schedules.Payment) string {
	if p.ShiftedFrom.IsZero() {
		return ""
	}
	return "from " + p.ShiftedFrom.String() + ": " + strings.ReplaceAll(string(p.ShiftReason), "_", " ")
}

var kindNames = map[schedules.Kind]string{
	schedules.KindDownPayment: "down payment", schedules.KindInstalment: "instalment",
}

// printSchedule writes the schedule as a table people can read.
func printSchedule(w io.Writer, s schedules.Schedule) {
	c := s.Currency
	human := func(minor int64) string { return c.Human(c.FromMinor(minor)) }
	fmt.Fprintf(w, "Schedule: %s, total %s\n\n", schemeNames[s.Scheme], c.Human(s.Total))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := "#\tDue\tAmount\t"
	if s.HasInterest() {
		header += "Principal\tInterest\tRemaining\t"
	}
	shifted := false
	for _, p := range s.Payments {
		shifted = shifted || !p.ShiftedFrom.IsZero()
	}
	header += "Kind\t"
	if shifted {
		header += "Moved\t"
	}
	fmt.Fprintln(tw, header)
	for _, p := range s.Payments {
		line := fmt.Sprintf("%d\t%s\t%s\t", p.N, p.Due, human(p.AmountMinor))
		if s.HasInterest() {
			line += fmt.Sprintf("%s\t%s\t%s\t", human(p.PrincipalMinor), human(p.InterestMinor), human(p.RemainingMinor))
		}
		line += kindNames[p.Kind] + "\t"
		if shifted {
			line += shiftNote(p) + "\t"
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nTotal payable: %s", c.Human(s.Payable()))
	if s.HasInterest() {
		fmt.Fprintf(w, ", of which interest %s", c.Human(s.Interest))
	}
	fmt.Fprintln(w)
}
