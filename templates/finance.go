package templates

// FinancePage is the admin's finance page: figures, charts and one table (issue 16).
type FinancePage struct {
	Title     string
	Today     string
	Nav       []Link
	Cards     []Figure
	Aging     []Bar
	Forecast  []Bar
	Collected []Bar // money received per month, the last 12
	Outgoing  []Figure
	Filters   *FinanceFilters
	Notice    string
	Error     string
	Table     *Table
}

// Link is a navigation or sort link.
type Link struct {
	Label, Href string
	Current     bool
}

// Figure is one labelled amount; Href lists the rows behind it; Test names it for tests.
type Figure struct{ Label, Value, Href, Test string }

// Bar is one bar of a server-rendered chart; Percent is its width, Href lists the rows behind it.
type Bar struct {
	Label, Value, Href string
	Percent            int
}

// Table is a sortable, paginated table; every cell may link (External: a Bitrix24 card, opened on top).
type Table struct {
	Title   string
	Test    string
	Head    []Link
	Rows    [][]Cell
	Pages   []Link
	Exports []Link
	Empty   string
}

// Cell is one table cell.
type Cell struct {
	Text, Href string
	External   bool
	Number     bool
	Button     *Button
}

// Button is a one-click POST form in a cell (e.g. «Отметить оплаченным»).
type Button struct {
	Action, Label, Test string
	Values              map[string]string
}

// FinanceFilters is the filter form of the finance views, as typed, with an error per field.
type FinanceFilters struct {
	Token, View                        string
	Manager, From, To, Route, Currency string
	Routes, Currencies                 []string
	Errors                             map[string]string // field → what to fix
	OwnOnly                            bool              // the manager is the viewer, not to be changed
}
