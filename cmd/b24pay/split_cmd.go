package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/shopspring/decimal"

	"b24pay/schedules"
)

// splitFlags holds the raw flag values of b24pay split.
type splitFlags struct {
	lines                                 []string
	parts, first, period, every, currency string
	json                                  bool
}

func (f *splitFlags) register(fs *flag.FlagSet) {
	fs.Func("line", "строка счёта Название:КОЛИЧЕСТВО:ЦЕНА_С_НДС:НДС (НДС: 0, 10, 20, 22, none); повторяется",
		func(s string) error { f.lines = append(f.lines, s); return nil })
	fs.StringVar(&f.parts, "parts", "", "на сколько счетов разделить")
	fs.StringVar(&f.first, "first", "", "срок оплаты первой части YYYY-MM-DD")
	fs.StringVar(&f.period, "period", "month", "day|week|month|quarter|halfyear|year")
	fs.StringVar(&f.every, "every", "1", "шаг: каждые K периодов")
	fs.StringVar(&f.currency, "currency", "RUB", "валюта ISO 4217")
	fs.BoolVar(&f.json, "json", false, "вывод в JSON")
}

// splitInput is the parsed command line of b24pay split.
type splitInput struct {
	invoice schedules.Invoice
	parts   int
	first   schedules.Date
	period  schedules.Period
}

// runSplit is `b24pay split`: it splits an invoice into parts with due dates.
func runSplit(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("split", flag.ContinueOnError)
	var f splitFlags
	f.register(fs)
	if code, done := parseCommandFlags(fs, args, stdout, stderr); done {
		return code
	}
	in, err := f.toInput()
	if err != nil {
		return reportFlagProblem(stderr, "split", err)
	}
	parts, err := schedules.Split(in.invoice, in.parts, in.first, in.period)
	if err != nil {
		return reportFlagProblem(stderr, "split", splitProblem(err))
	}
	cur, _ := schedules.LookupCurrency(in.invoice.Currency)
	if f.json {
		return writeCommandJSON(stdout, stderr, splitJSON(cur, parts))
	}
	printSplit(stdout, cur, parts)
	return 0
}

func (f *splitFlags) toInput() (splitInput, error) {
	in := splitInput{invoice: schedules.Invoice{Currency: f.currency}}
	if len(f.lines) == 0 {
		return in, &flagProblem{"line", "укажите хотя бы одну строку счёта"}
	}
	for i, s := range f.lines {
		l, err := parseInvoiceLine(s)
		if err != nil {
			return in, &flagProblem{"line", fmt.Sprintf("строка %d: %s", i+1, err)}
		}
		in.invoice.Lines = append(in.invoice.Lines, l)
	}
	var err error
	if f.parts == "" {
		return in, &flagProblem{"parts", "обязательный флаг"}
	}
	if in.parts, err = flagInt("parts", f.parts); err != nil {
		return in, err
	}
	if f.first == "" {
		return in, &flagProblem{"first", "обязательный флаг"}
	}
	if in.first, err = flagDate("first", f.first); err != nil {
		return in, err
	}
	return in, f.parsePeriod(&in)
}

func (f *splitFlags) parsePeriod(in *splitInput) (err error) {
	if in.period.Unit, err = schedules.ParsePeriodUnit(f.period); err != nil {
		return &flagProblem{"period", fmt.Sprintf("неизвестный период %q: day|week|month|quarter|halfyear|year", f.period)}
	}
	in.period.Every, err = flagInt("every", f.every)
	return err
}

// parseInvoiceLine reads "Name:QTY:PRICE:VAT"; the name may itself contain colons.
func parseInvoiceLine(s string) (schedules.Line, error) {
	fields := strings.Split(s, ":")
	if len(fields) < 4 {
		return schedules.Line{}, fmt.Errorf("ожидается Название:КОЛИЧЕСТВО:ЦЕНА:НДС, получено %q", s)
	}
	n := len(fields)
	l := schedules.Line{Name: strings.Join(fields[:n-3], ":")}
	var err error
	if l.Quantity, err = decimal.NewFromString(fields[n-3]); err != nil {
		return l, fmt.Errorf("неверное количество %q", fields[n-3])
	}
	if l.Price, err = decimal.NewFromString(fields[n-2]); err != nil {
		return l, fmt.Errorf("неверная цена %q", fields[n-2])
	}
	if l.VAT, err = schedules.ParseVATRate(fields[n-1]); err != nil {
		return l, fmt.Errorf("неизвестная ставка НДС %q: 0, 10, 20, 22 или none", fields[n-1])
	}
	return l, nil
}

// splitProblem turns the first validation error into a flag problem.
func splitProblem(err error) error {
	ve, ok := firstValidationError(err)
	if !ok {
		return err
	}
	if strings.HasPrefix(ve.Field, "lines") {
		msg := schedules.MessageRU(ve)
		return &flagProblem{"line", msg}
	}
	return &flagProblem{ve.Field, schedules.MessageRU(ve)}
}

type splitLineJSON struct {
	Name     string `json:"name"`
	Quantity string `json:"quantity"`
	Amount   string `json:"amount"`
	VAT      string `json:"vat"`
	VATRate  string `json:"vat_rate"`
}

type splitPartJSON struct {
	N     int             `json:"n"`
	Due   schedules.Date  `json:"due"`
	Total string          `json:"total"`
	VAT   string          `json:"vat"`
	Lines []splitLineJSON `json:"lines"`
}

type splitResultJSON struct {
	Currency string          `json:"currency"`
	Parts    []splitPartJSON `json:"parts"`
}

func splitJSON(c schedules.Currency, parts []schedules.Part) splitResultJSON {
	out := splitResultJSON{Currency: c.Code, Parts: make([]splitPartJSON, len(parts))}
	for i, p := range parts {
		jp := splitPartJSON{N: p.N, Due: p.Due, Total: c.Plain(p.Total), VAT: c.Plain(p.VAT), Lines: []splitLineJSON{}}
		for _, l := range p.Lines {
			jp.Lines = append(jp.Lines, splitLineJSON{Name: l.Name, Quantity: l.Quantity.String(),
				Amount: c.Plain(l.Amount), VAT: c.Plain(l.VAT), VATRate: string(l.Rate)})
		}
		out.Parts[i] = jp
	}
	return out
}

// printSplit writes the parts as tables people can read.
func printSplit(w io.Writer, c schedules.Currency, parts []schedules.Part) {
	for i, p := range parts {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "Счёт %d из %d, оплатить до %s: %s, в т. ч. НДС %s\n",
			p.N, len(parts), russianDate(p.Due), c.Human(p.Total), c.Human(p.VAT))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  Наименование\tКол-во\tСумма\tНДС\t")
		for _, l := range p.Lines {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t\n", l.Name, l.Quantity, c.Human(l.Amount), vatRU(c, l))
		}
		tw.Flush()
	}
}

func vatRU(c schedules.Currency, l schedules.PartLine) string {
	if l.Rate == schedules.VATNone {
		return "без НДС"
	}
	return fmt.Sprintf("%s%%: %s", l.Rate, c.Human(l.VAT))
}
