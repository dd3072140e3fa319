package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/shopspring/decimal"

	"b24pay/schedules"
)

// flagProblem is bad command-line input: the flag it concerns and a Russian
// message. The commands print it as one line and exit with code 2.
type flagProblem struct {
	flag string
	msg  string
}

func (p *flagProblem) Error() string { return "--" + p.flag + ": " + p.msg }

// reportFlagProblem prints one line naming the flag and returns exit code 2.
func reportFlagProblem(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "b24pay %s: %s\n", cmd, strings.ReplaceAll(err.Error(), "\n", " "))
	return 2
}

// parseCommandFlags parses args and turns the flag package's errors into one line.
// done is true when the command should stop (help shown or bad input).
func parseCommandFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, done bool) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fmt.Fprintf(stdout, "usage: b24pay %s [flags]\n", fs.Name())
		fs.PrintDefaults()
		return 0, true
	case err != nil:
		return reportFlagProblem(stderr, fs.Name(), errors.New(flagErrorRU(err.Error()))), true
	case fs.NArg() > 0:
		return reportFlagProblem(stderr, fs.Name(), fmt.Errorf("лишний аргумент %q", fs.Arg(0))), true
	}
	return 0, false
}

func flagErrorRU(msg string) string {
	for en, ru := range map[string]string{
		"flag provided but not defined: ": "неизвестный флаг ",
		"flag needs an argument: ":        "флагу нужно значение: ",
	} {
		if rest, ok := strings.CutPrefix(msg, en); ok {
			return ru + rest
		}
	}
	return msg
}

// scheduleFlags holds the raw flag values of b24pay schedule.
type scheduleFlags struct {
	total, currency, scheme, count, term, period, every, first, down, plan, rate string
	businessDays, json                                                           bool
}

func (f *scheduleFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.total, "total", "", "сумма графика, например 10060.00")
	fs.StringVar(&f.currency, "currency", "RUB", "валюта ISO 4217")
	fs.StringVar(&f.scheme, "scheme", "", "equal|full|custom|annuity|differentiated (по умолчанию equal, с --plan custom)")
	fs.StringVar(&f.count, "count", "", "число платежей (без первого взноса)")
	fs.StringVar(&f.term, "term", "", "срок вместо --count, например 12m, 2y, 90d")
	fs.StringVar(&f.period, "period", "month", "day|week|month|quarter|halfyear|year")
	fs.StringVar(&f.every, "every", "1", "шаг: каждые K периодов")
	fs.StringVar(&f.first, "first", "", "дата первого платежа YYYY-MM-DD")
	fs.StringVar(&f.down, "down", "", "первый взнос: сумма 2500.00 или процент 25%")
	fs.StringVar(&f.plan, "plan", "", "свой график: 2025-02-01=3000.00,2025-03-01=7060.00 (или =30%)")
	fs.StringVar(&f.rate, "rate", "", "годовая ставка в процентах для annuity/differentiated, например 12.5")
	fs.BoolVar(&f.businessDays, "business-days", false, "переносить сроки с выходных и праздников РФ на следующий рабочий день")
	fs.BoolVar(&f.json, "json", false, "вывод в JSON")
}

// runSchedule is `b24pay schedule`: it prints the payment schedule of a plan.
func runSchedule(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("schedule", flag.ContinueOnError)
	var f scheduleFlags
	f.register(fs)
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	plan, err := f.toPlan()
	if err != nil {
		return reportFlagProblem(stderr, "schedule", err)
	}
	s, err := schedules.Build(plan)
	if err != nil {
		return reportFlagProblem(stderr, "schedule", planProblem(err))
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
		return &flagProblem{"total", "обязательный флаг"}
	}
	p.Total, err = flagAmount("total", f.total)
	return err
}

func (f *scheduleFlags) parseCount(p *schedules.Plan) (err error) {
	if f.count != "" {
		p.Count, err = flagInt("count", f.count)
	}
	return err
}

func (f *scheduleFlags) parseTerm(p *schedules.Plan) (err error) {
	if f.term == "" {
		return nil
	}
	if p.Term, err = schedules.ParseTerm(f.term); err != nil {
		return &flagProblem{"term", fmt.Sprintf("неверный срок %q, пример: 12m, 2y, 8w, 90d", f.term)}
	}
	return nil
}

func (f *scheduleFlags) parsePeriod(p *schedules.Plan) (err error) {
	if p.Period.Unit, err = schedules.ParsePeriodUnit(f.period); err != nil {
		return &flagProblem{"period", fmt.Sprintf("неизвестный период %q: day|week|month|quarter|halfyear|year", f.period)}
	}
	p.Period.Every, err = flagInt("every", f.every)
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

// parseRows reads --plan: comma-separated DATE=AMOUNT or DATE=PERCENT%.
func (f *scheduleFlags) parseRows(p *schedules.Plan) error {
	if f.plan == "" {
		return nil
	}
	for i, item := range strings.Split(f.plan, ",") {
		row, err := parsePlanRow(strings.TrimSpace(item))
		if err != nil {
			return &flagProblem{"plan", fmt.Sprintf("строка %d: %s", i+1, err)}
		}
		p.Rows = append(p.Rows, row)
	}
	return nil
}

func parsePlanRow(item string) (schedules.Row, error) {
	d, v, ok := strings.Cut(item, "=")
	if !ok {
		return schedules.Row{}, fmt.Errorf("ожидается ДАТА=СУММА или ДАТА=ПРОЦЕНТ%%, получено %q", item)
	}
	due, err := schedules.ParseDate(d)
	if err != nil {
		return schedules.Row{}, fmt.Errorf("неверная дата %q, нужен формат YYYY-MM-DD", d)
	}
	row := schedules.Row{Due: due}
	amount, err := decimal.NewFromString(strings.TrimSuffix(v, "%"))
	if err != nil {
		return schedules.Row{}, fmt.Errorf("неверное число %q", v)
	}
	if strings.HasSuffix(v, "%") {
		row.Percent = amount
	} else {
		row.Amount = amount
	}
	return row, nil
}

func flagAmount(name, s string) (decimal.Decimal, error) {
	d, err := decimal.NewFromString(strings.TrimSpace(s))
	if err != nil {
		return decimal.Zero, &flagProblem{name, fmt.Sprintf("неверное число %q, пример: 10060.00", s)}
	}
	return d, nil
}

func flagInt(name, s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, &flagProblem{name, fmt.Sprintf("ожидается целое число, получено %q", s)}
	}
	return n, nil
}

func flagDate(name, s string) (schedules.Date, error) {
	d, err := schedules.ParseDate(s)
	if err != nil {
		return d, &flagProblem{name, fmt.Sprintf("неверная дата %q, нужен формат YYYY-MM-DD", s)}
	}
	return d, nil
}

// planFlags maps validation fields of a plan to the flags that set them.
var planFlags = map[string]string{
	"scheme": "scheme", "total": "total", "currency": "currency", "down": "down", "count": "count",
	"term": "term", "period": "period", "every": "every", "first": "first", "rate": "rate",
	"rows": "plan", "rows.due": "plan", "rows.amount": "plan", "rows.percent": "plan",
}

// firstValidationError finds the first validation error in err.
func firstValidationError(err error) (*schedules.ValidationError, bool) {
	var ve *schedules.ValidationError
	ok := errors.As(err, &ve)
	return ve, ok
}

// planProblem turns the first validation error into a flag problem.
func planProblem(err error) error {
	ve, ok := firstValidationError(err)
	if !ok {
		return err
	}
	name, ok := planFlags[ve.Field]
	if !ok {
		name = ve.Field
	}
	return &flagProblem{name, schedules.MessageRU(ve)}
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

var schemeNamesRU = map[schedules.Scheme]string{
	schedules.Equal: "равные платежи", schedules.Full: "полная оплата", schedules.Custom: "свой график",
	schedules.Annuity: "аннуитет", schedules.Differentiated: "дифференцированные платежи",
}

var kindNamesRU = map[schedules.Kind]string{
	schedules.KindDownPayment: "первый взнос", schedules.KindInstalment: "платёж",
}

// printSchedule writes the schedule as a table people can read.
func printSchedule(w io.Writer, s schedules.Schedule) {
	c := s.Currency
	fmt.Fprintf(w, "График: %s, сумма %s\n\n", schemeNamesRU[s.Scheme], c.Human(s.Total))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := "№\tСрок\tСумма\t"
	if s.HasInterest() {
		header += "Основной долг\tПроценты\tОстаток\t"
	}
	shifted := false
	for _, p := range s.Payments {
		shifted = shifted || !p.ShiftedFrom.IsZero()
	}
	header += "Вид\t"
	if shifted {
		header += "Перенос\t"
	}
	fmt.Fprintln(tw, header)
	for _, p := range s.Payments {
		line := fmt.Sprintf("%d\t%s\t%s\t", p.N, russianDate(p.Due), c.Human(p.Amount))
		if s.HasInterest() {
			line += fmt.Sprintf("%s\t%s\t%s\t", c.Human(p.Principal), c.Human(p.Interest), c.Human(p.Remaining))
		}
		line += kindNamesRU[p.Kind] + "\t"
		if shifted {
			line += p.ShiftNoteRU() + "\t"
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nИтого к оплате: %s", c.Human(s.Payable()))
	if s.HasInterest() {
		fmt.Fprintf(w, ", в т. ч. проценты %s", c.Human(s.Interest))
	}
	fmt.Fprintln(w)
}

func russianDate(d schedules.Date) string {
	return fmt.Sprintf("%02d.%02d.%04d", d.Day, int(d.Month), d.Year)
}
