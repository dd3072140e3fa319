package templates

// TabPage is the «График платежей» tab in a deal or lead card. The JS reads the token from
// <meta name="b24pay-token"> and sends it with every API call.
type TabPage struct {
	Token     string
	OwnerType string // deal | lead
	OwnerID   int64
	APIBase   string // e.g. /api/v1
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
}

// SettingsForm is the admin-only form of the payment routes (secrets are never shown back).
type SettingsForm struct {
	Token      string            // signed admin token, sent back with the form
	Notice     string            // «Настройки оплаты сохранены»
	Errors     map[string]string // form field → message
	Invoicebox RouteForm
	SBP        RouteForm
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
	State     string // pay | paid | expired | checking
	Amount    string // «10 000,00 ₽»
	Purpose   string
	Provider  string // invoicebox | sbp
	PayURL    string // the provider's link (NSPK link for SBP)
	QRPath    string // our PNG of the SBP link
	ExpiresAt string // «25.11.2026 12:00 (МСК)»
	PaidAt    string
}
