package templates

// TabPage is the «График платежей» tab in a deal or lead card, or the «Подписки» tab in a contact
// or company card (subscriptions_tab.html). The JS reads the token from
// <meta name="b24pay-token"> and sends it with every API call.
type TabPage struct {
	Token     string
	OwnerType string // deal | lead | contact | company
	OwnerID   int64
	APIBase   string   // e.g. /api/v1
	PortalUI  []string // the portal's ui stylesheets, loaded inside Bitrix24 (PortalUI)
}

// InstallPage ends the install wizard; BX24.installFinish() is called only when OK.
type InstallPage struct {
	OK           bool
	Error        string
	Warning      string // installed, but a part (pay systems) is missing
	PortalDomain string
}

// AppPage is the application's main page inside Bitrix24.
type AppPage struct {
	PortalDomain string
	Installed    bool
	Schedules    int
	Instalments  int
	Debt         string
	Settings     *SettingsForm // the payment settings; nil for users who are not admins
	Holidays     *HolidaysForm // the production calendar's transfers; nil for users who are not admins
	FinanceToken string        // opens the finance pages: admins and users with the finance role
	PortalUI     []string      // the portal's ui stylesheets, loaded inside Bitrix24 (PortalUI)
}

// FinanceRolesForm is the admin's list of who else may open the finance pages.
type FinanceRolesForm struct {
	Users    string // Bitrix24 user ids who see everything, as typed: «7, 12»
	OwnUsers string // user ids who see only their own deals and contracts
	// Bitrix24 department ids whose members (and members of departments below) see everything, or
	// only their own deals and contracts.
	Departments, OwnDepartments string
	Notice                      string
	Errors                      map[string]string // users, own_users, departments, own_departments → what to fix
}

// HolidaysForm is the admin-only list and form of the portal's decree transfers of days off.
type HolidaysForm struct {
	Token        string            // signed admin token, sent back with the form
	Notice       string            // «Перенос добавлен…»
	Errors       map[string]string // form field (hol_from, hol_to, hol_note, list) → message
	BuiltInYears string            // «2025–2027»: years whose decrees the release knows
	Transfers    []TransferRow
	From, To     string // the values entered, shown back with errors
	Note         string
}

// TransferRow is one transfer of the portal, dates as ДД.ММ.ГГГГ.
type TransferRow struct {
	ID       int64
	From, To string
	Note     string
}

// SettingsForm is the admin-only form of the payment routes (secrets are never shown back).
type SettingsForm struct {
	Token      string            // signed admin token, sent back with the form
	Notice     string            // «Настройки оплаты сохранены»
	Errors     map[string]string // form field → message
	Invoicebox RouteForm
	SBP        RouteForm
	Webhooks   []Webhook // the notification URLs to give each provider
	VAT        string    // B24PAY_INVOICEBOX_VAT as the admin reads it, e.g. «20 %» or «без НДС»
	History    []SettingsChange
	Roles      *FinanceRolesForm // who holds the finance role
}

// SettingsChange is one save of the settings in the page's short list.
type SettingsChange struct {
	At, Who, Routes string
}

// Webhook is the notification URL of one provider, to paste into its merchant account.
type Webhook struct {
	Provider string
	URL      string
}

// RouteForm is one route's section of the settings form.
type RouteForm struct {
	Enabled    bool
	APIURL     string
	MerchantID string
	SecretSet  map[string]bool // secret field → a value is stored (leave empty to keep it)
}

// HomePage is GET /: the service's name, version and where to go next.
type HomePage struct {
	Version   string
	PortalURL string // the configured Bitrix24 portal; empty when not configured
}

// ErrorPage explains why a page cannot be shown.
type ErrorPage struct {
	Status  int
	Title   string
	Message string
}

// PayPage is the public, printable page of one payment (the business-lounge scenario).
type PayPage struct {
	State     string // pay | paid | expired | closed | checking
	Amount    string // «10 000,00 ₽»
	Purpose   string
	Provider  string // invoicebox | sbp
	PayURL    string // the provider's link (NSPK link for SBP)
	QRPath    string // our PNG of the SBP link
	ExpiresAt string // the deadline in the portal's zone, «25.11.2026 12:00 MSK» (pay, expired)
	PaidAt    string
	Seller    string // B24PAY_MERCHANT_NAME, else the portal's domain
	Buyer     *Party // nil when the deal has no client
	Part      string // «Платёж 2 из 12», empty for a payment that is no instalment
	Due       string // the instalment's due date, «01.12.2026»
}

// Party is the buyer on a pay page; INN and KPP are empty when unknown.
type Party struct {
	Name, INN, KPP string
}
