package templates

// CabinetPage is every page of the client cabinet (/cabinet); the fields a page does not use stay empty.
type CabinetPage struct {
	Title   string
	Nav     string // the active menu item
	CSRF    string // the form token
	User    string // the signed-in client's name; empty on public pages
	Legal   bool   // the signed-in client is an ИП or a company: several users may share the cabinet
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

	Subscriptions []CabinetSubscription
	Today         string // YYYY-MM-DD: the earliest date a form offers
	Receipt       *CabinetReceipt
	Users         []CabinetUser
	CanManage     bool // the signed-in user may remove the company's other users
	History       []CabinetChange
}

// CabinetChange is one entry of the profile's change history.
type CabinetChange struct {
	At, Who, Field, Old, New string
	Applied                  bool
}

// CabinetSubscription is one subscription of the client with what may be done to it now.
type CabinetSubscription struct {
	ID                          int64
	Title                       string
	Status, StatusLabel         string
	Amount, Period, End         string
	NextCharge                  string // ДД.ММ.ГГГГ; empty when nothing more is charged
	Paid                        string // «3 из 12» or «3»
	PaidTotal                   string
	PauseFrom, PauseUntil       string // ДД.ММ.ГГГГ while paused
	CancelAtPeriodEnd           bool
	CanPause, CanResume         bool
	CanCancel, CanCancelAtEnd   bool
	CanReplaceCard, CanContinue bool // CanContinue: consent not given yet, the public page goes on
	Link                        string
	Charges                     []CabinetCharge
	Method                      string // how it is paid now: «Банковская карта •••• 4444», «СБП»
	// Switch offers other payment routes: the period paid now on the new route, and the routes.
	Switch *CabinetRouteSwitch
	// Switching is a switch of route waiting for the client's payment.
	Switching *CabinetPendingSwitch
}

// CabinetRouteSwitch is the offer to pay a subscription by another route from now on.
type CabinetRouteSwitch struct {
	Amount string // of the period paid now on the new route
	Period string // its start, ДД.ММ.ГГГГ
	Owed   bool   // the period is overdue (otherwise it is paid early)
	Routes []CabinetSwitchRoute
}

// CabinetSwitchRoute is one route a subscription may move to, with the consent the client gives.
type CabinetSwitchRoute struct {
	Route, Label, Consent string
}

// CabinetPendingSwitch is a switch of route whose payment waits for the client.
type CabinetPendingSwitch struct {
	Label    string // the new route
	PayURL   string // the provider's page or the SBP link
	CheckURL string // reads the payment back
}

// CabinetCharge is one period's charge of a subscription.
type CabinetCharge struct {
	Period  string // the period's start, ДД.ММ.ГГГГ
	Amount  string
	Status  string
	Date    string // when it was settled
	Receipt string // the receipt page when paid
}

// CabinetReceipt is a payment confirmation the client prints or saves.
type CabinetReceipt struct {
	Number      string
	Date        string
	Seller      string
	Payer       string
	PayerINN    string
	What        string
	Amount      string
	Refunded    string // when part or all was returned
	Method      string
	ProviderRef string
	Download    string // the same page as a file
}

// CabinetUser is one account of the client's company.
type CabinetUser struct {
	ID       int64
	Name     string
	Email    string
	Verified bool
	Since    string
	Self     bool
	First    bool // registered first: the company's owner, who may remove the others
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
	// Subscriptions: how many are live (active, paused, awaiting a payment) and the nearest charge.
	Subscriptions          int
	SubNext, SubNextAmount string
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
	Date    string
	What    string
	Amount  string
	Route   string
	Status  string
	Link    string // the pay page
	Receipt string // the receipt page when paid
}

// CabinetRoute is a way to pay offered on the schedules page.
type CabinetRoute struct {
	Code  string
	Label string
}
