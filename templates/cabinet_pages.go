package templates

// CabinetPage is every page of the client cabinet (/cabinet); the fields a page does not use stay empty.
type CabinetPage struct {
	Title   string
	Nav     string // the active menu item
	CSRF    string // the form token
	User    string // the signed-in client's name; empty on public pages
	Notice  string // a calm confirmation on top of the page
	Message string // the text of a message page
	Next    string // where to go after sign-in
	Invite  string // a manager's invitation token
	Token   string // a reset link's token
	Form    map[string]string
	Errors  map[string]string // form field (or "form") → what to fix

	Unmatched bool // the account is not matched to a Bitrix24 card yet: nothing to show
	Overview  *CabinetOverview
	Schedules []CabinetSchedule
	Payments  []CabinetPayment
	Routes    []CabinetRoute
}

// CabinetOverview is the first screen: what falls due next and what is owed.
type CabinetOverview struct {
	HasNext      bool
	NextDue      string // ДД.ММ.ГГГГ
	NextAmount   string // «12 000,00 ₽»
	NextTitle    string
	NextOverdue  bool
	Owed         string
	Overdue      string
	OverdueCount int
}

// CabinetSchedule is one instalment plan of the client.
type CabinetSchedule struct {
	Title                  string
	Total, Paid, Remaining string
	Rows                   []CabinetInstalment
}

// CabinetInstalment is one row of a plan.
type CabinetInstalment struct {
	ID          int64
	Seq         int
	Due         string
	Amount      string
	Paid        string
	Status      string
	StatusLabel string
	Overdue     bool
	Open        bool // may be paid now
}

// CabinetPayment is one payment of the history.
type CabinetPayment struct {
	Date   string
	What   string
	Amount string
	Route  string
	Status string
	Link   string // the pay page
}

// CabinetRoute is a way to pay offered on the schedules page.
type CabinetRoute struct {
	Code  string
	Label string
}
