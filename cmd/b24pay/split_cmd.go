package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"b24pay/schedules"
)

// splitFlags holds the raw flag values of b24pay split.
type splitFlags struct {
	lines                                 []string
	parts, first, period, every, currency string
	json                                  bool
}

func (f *splitFlags) register(c *cliCommand) {
	fs := c.fs
	fs.Func("line", required("invoice `LINE` NAME:QUANTITY:PRICE_WITH_VAT:VAT, VAT "+schedules.VATRateList()+"; repeat for more lines"),
		func(s string) error { f.lines = append(f.lines, s); return nil })
	fs.StringVar(&f.parts, "parts", "", required("`N` invoices to split into"))
	fs.StringVar(&f.first, "first", "", required("due `DATE` of the first part, YYYY-MM-DD"))
	fs.StringVar(&f.period, "period", "month", "day|week|month|quarter|halfyear|year")
	fs.StringVar(&f.every, "every", "1", "step: every K periods")
	fs.StringVar(&f.currency, "currency", "RUB", "ISO 4217 currency")
	fs.BoolVar(&f.json, "json", false, "print JSON")
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
	c := newCommand("split", "b24pay split -line NAME:QTY:PRICE:VAT [-line …] -parts N -first YYYY-MM-DD [flags]",
		"Splits an invoice into N invoices with due dates; totals and VAT add up exactly.", 0)
	var f splitFlags
	f.register(c)
	if code, done := c.parse(args, stdout, stderr); done {
		return code
	}
	in, err := f.toInput()
	if err != nil {
		return c.fail(stderr, err)
	}
	parts, err := schedules.Split(in.invoice, in.parts, in.first, in.period)
	if err != nil {
		return c.fail(stderr, validationProblem(err))
	}
	cur, _ := schedules.LookupCurrency(in.invoice.Currency)
	if f.json {
		return writeCommandJSON(stdout, stderr, splitJSON(cur, parts))
	}
	printSplit(stdout, cur, parts)
	return 0
}

func (f *splitFlags) toInput() (in splitInput, err error) {
	in.invoice.Currency = f.currency
	if len(f.lines) == 0 {
		return in, &flagProblem{"line", "required: give at least one invoice line"}
	}
	for i, s := range f.lines {
		l, err := parseInvoiceLine(s)
		if err != nil {
			return in, &flagProblem{"line", fmt.Sprintf("line %d: %s", i+1, err)}
		}
		in.invoice.Lines = append(in.invoice.Lines, l)
	}
	if f.parts == "" {
		return in, &flagProblem{"parts", "required"}
	}
	if in.parts, err = flagInt("parts", f.parts); err != nil {
		return in, err
	}
	if f.first == "" {
		return in, &flagProblem{"first", "required"}
	}
	if in.first, err = flagDate("first", f.first); err != nil {
		return in, err
	}
	in.period, err = flagPeriod(f.period, f.every)
	return in, err
}

// parseInvoiceLine reads "Name:QTY:PRICE:VAT"; the name may itself contain colons.
func parseInvoiceLine(s string) (schedules.Line, error) {
	fields := strings.Split(s, ":")
	if len(fields) < 4 {
		return schedules.Line{}, fmt.Errorf("expected NAME:QUANTITY:PRICE:VAT, got %q", s)
	}
	n := len(fields)
	l := schedules.Line{Name: strings.Join(fields[:n-3], ":")}
	var err error
	if l.Quantity, err = parseNumber(fields[n-3]); err != nil {
		return l, fmt.Errorf("%q is not a quantity", fields[n-3])
	}
	if l.Price, err = parseNumber(fields[n-2]); err != nil {
		return l, fmt.Errorf("%q is not a price", fields[n-2])
	}
	if l.VAT, err = schedules.ParseVATRate(fields[n-1]); err != nil {
		return l, fmt.Errorf("unknown VAT rate %q: %s", fields[n-1], schedules.VATRateList())
	}
	return l, nil
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
		fmt.Fprintf(w, "Invoice %d of %d, due %s: %s, of which VAT %s\n",
			p.N, len(parts), p.Due, c.Human(p.Total), c.Human(p.VAT))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  Item\tQuantity\tAmount\tVAT\t")
		for _, l := range p.Lines {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t\n", l.Name, l.Quantity, c.Human(l.Amount), vatText(c, l))
		}
		tw.Flush()
	}
}

func vatText(c schedules.Currency, l schedules.PartLine) string {
	if l.Rate == schedules.VATNone {
		return "no VAT"
	}
	return fmt.Sprintf("%s%%: %s", l.Rate, c.Human(l.VAT))
}
