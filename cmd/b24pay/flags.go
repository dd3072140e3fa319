package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/shopspring/decimal"

	"b24pay/schedules"
)

// cliCommand is one command's flags and the usage line printed by -h.
type cliCommand struct {
	fs    *flag.FlagSet
	usage string // e.g. "b24pay outbox retry ID"
	about string // one sentence under the usage line
	nargs int    // positional arguments expected after the flags
}

func newCommand(name, usage, about string, nargs int) *cliCommand {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &cliCommand{fs: fs, usage: usage, about: about, nargs: nargs}
}

// parse reads args. done is true when the command must stop: -h printed its help (code 0), or
// the arguments were wrong and one line said why (code 2).
func (c *cliCommand) parse(args []string, stdout, stderr io.Writer) (code int, done bool) {
	err := c.fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		c.help(stdout)
		return 0, true
	case err != nil:
		return c.fail(stderr, err), true
	case c.fs.NArg() > c.nargs:
		return c.fail(stderr, fmt.Errorf("unexpected argument %q", c.fs.Arg(c.nargs))), true
	case c.fs.NArg() < c.nargs:
		return c.fail(stderr, errors.New("missing argument")), true
	}
	return 0, false
}

func (c *cliCommand) help(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n\n%s\n", c.usage, c.about)
	hasFlags := false
	c.fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintln(w, "\nflags:")
		c.fs.SetOutput(w)
		c.fs.PrintDefaults()
		c.fs.SetOutput(io.Discard)
	}
}

// fail prints err as one line with a pointer to -h and returns exit code 2.
func (c *cliCommand) fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "%s: %s (%s -h shows the usage)\n", c.name(), strings.ReplaceAll(err.Error(), "\n", " "), c.name())
	return 2
}

// name is "b24pay <command>" as typed.
func (c *cliCommand) name() string { return "b24pay " + c.fs.Name() }

// flagProblem is bad command-line input: the flag it concerns and what is wrong.
type flagProblem struct {
	flag string
	msg  string
}

func (p *flagProblem) Error() string { return "-" + p.flag + ": " + p.msg }

// required marks a flag's help text.
func required(text string) string { return "(required) " + text }

// parseNumber reads a number the way the tab does: spaces (also non-breaking and thin ones)
// are thousands separators and a comma is the decimal separator, so 120 000,00, 10000,50 and
// 120000.00 are all accepted.
func parseNumber(s string) (decimal.Decimal, error) {
	t := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	if strings.Count(t, ",") == 1 && !strings.Contains(t, ".") {
		t = strings.Replace(t, ",", ".", 1)
	}
	return decimal.NewFromString(t)
}

func flagAmount(name, s string) (decimal.Decimal, error) {
	d, err := parseNumber(s)
	if err != nil {
		return decimal.Zero, &flagProblem{name, fmt.Sprintf("%q is not a number, e.g. 10060.00 or 10 060,00", s)}
	}
	return d, nil
}

func flagInt(name, s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, &flagProblem{name, fmt.Sprintf("%q is not a whole number", s)}
	}
	return n, nil
}

func flagDate(name, s string) (schedules.Date, error) {
	d, err := schedules.ParseDate(s)
	if err != nil {
		return d, &flagProblem{name, fmt.Sprintf("%q is not a date in the form YYYY-MM-DD", s)}
	}
	return d, nil
}

func flagPeriod(s, every string) (p schedules.Period, err error) {
	if p.Unit, err = schedules.ParsePeriodUnit(s); err != nil {
		return p, &flagProblem{"period", fmt.Sprintf("unknown period %q: day|week|month|quarter|halfyear|year", s)}
	}
	p.Every, err = flagInt("every", every)
	return p, err
}
