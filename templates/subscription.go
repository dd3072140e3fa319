package templates

// SubscriptionPage is the client's page of a subscription: consent and first payment, the
// waiting state, card replacement after a decline, and the final states.
type SubscriptionPage struct {
	State       string // consent | waiting | active | past_due | paused | closed
	Merchant    string
	Title       string
	Amount      string // «990,00 ₽»
	FirstAmount string // the first period's amount, when it differs
	Period      string // «ежемесячно»
	Start       string // «31.01.2027»
	End         string // «бессрочно, пока вы не отмените»
	NextDate    string
	PaidWith    string // how it is paid: «Карта •••• 4444», «СБП», «Счёт» (empty before a card or account is saved)
	HowToCancel string
	AmountRule  string // the terms' clause on changes of the amount
	Method      string // «с моей банковской карты» or «с моего банковского счёта через СБП»
	Invoice     bool   // the invoice route: an invoice by e-mail each period, nothing debited
	Action      string // where the form posts
	// NewAmount is a raised amount waiting for the client's consent (posted to AmountAction).
	NewAmount    string
	AmountAction string
	Error        string // next to the checkbox

	CancelAction       string // where «Отменить подписку» posts
	CancelsAtPeriodEnd bool   // cancelled by the client; ends with the paid period
}
