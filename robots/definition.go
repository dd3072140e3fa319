package robots

import "b24pay/portal"

// SplitCode is the CODE of the «Разделить счёт на части» robot.
const SplitCode = "b24pay_split_invoice"

// Property codes of the split robot (what properties[<code>] carries in the robot call).
const (
	PropParts       = "Parts"
	PropPeriod      = "Period"
	PropFirstDate   = "FirstDate"
	PropFirstInDays = "FirstInDays"
	PropShares      = "Shares"
	PropStage       = "Stage"
	PropRemind      = "Remind"
	PropInvoiceID   = "InvoiceId"
)

// Return property codes (bizproc.event.send RETURN_VALUES).
const (
	RetInvoiceIDs = "InvoiceIds"
	RetPartsCount = "PartsCount"
	RetErrorText  = "ErrorText"
)

// Document types the robot is offered for (bizproc.robot.add DOCUMENT_TYPE / FILTER).
var (
	docSmartInvoice = []string{"crm", `Bitrix\Crm\Integration\BizProc\Document\SmartInvoice`}
	docDeal         = []string{"crm", "CCrmDocumentDeal"}
)

func prop(name, typ, required string, extra map[string]any) map[string]any {
	p := map[string]any{"Name": map[string]string{"ru": name}, "Type": typ, "Required": required, "Multiple": "N"}
	for k, v := range extra {
		p[k] = v
	}
	return p
}

// SplitRobot is the registration of the split robot for smart invoices and deals
// (api-reference/bizproc/bizproc-robot/bizproc-robot-add.md). It waits for our answer
// (USE_SUBSCRIPTION=Y) and gets the ids of the new invoices, their number and an error text back.
// authUser is the user whose token the portal sends with each call (the installing admin); the
// split itself runs with the app's stored tokens.
func SplitRobot(handler string, authUser int64) portal.Robot {
	return portal.Robot{Code: SplitCode, Params: map[string]any{
		"HANDLER":          handler,
		"AUTH_USER_ID":     authUser,
		"USE_SUBSCRIPTION": "Y",
		"NAME":             map[string]string{"ru": "Разделить счёт на части", "en": "Split the invoice into parts"},
		"DESCRIPTION": map[string]string{"ru": "Создаёт N счетов с теми же товарами, НДС и итогом, " +
			"ставит их в график платежей b24pay и напоминает перед каждым сроком"},
		"FILTER": map[string]any{"INCLUDE": [][]string{docSmartInvoice, docDeal}},
		"PROPERTIES": map[string]any{
			PropParts: prop("Число частей (от 2 до 36)", "int", "Y", map[string]any{"Default": 2}),
			PropPeriod: prop("Периодичность", "select", "Y", map[string]any{"Default": "month", "Options": map[string]string{
				"week": "Раз в неделю", "month": "Раз в месяц", "quarter": "Раз в квартал", "halfyear": "Раз в полгода", "year": "Раз в год"}}),
			PropFirstDate:   prop("Срок оплаты первой части", "date", "N", nil),
			PropFirstInDays: prop("…или через сколько дней от сегодня", "int", "N", map[string]any{"Default": 0}),
			PropShares: prop("Доли частей в процентах через «;» (пусто — поровну)", "string", "N",
				map[string]any{"Description": map[string]string{"ru": "Например: 50; 30; 20 — в сумме 100"}}),
			PropStage:     prop("Стадия исходного счёта после разделения (например, DT31_1:D)", "string", "N", nil),
			PropRemind:    prop("Напоминать ответственному перед каждым сроком", "bool", "N", map[string]any{"Default": "Y"}),
			PropInvoiceID: prop("Номер счёта (для сделки с несколькими счетами)", "int", "N", nil),
		},
		"RETURN_PROPERTIES": map[string]any{
			RetInvoiceIDs: map[string]any{"Name": map[string]string{"ru": "ID новых счетов"}, "Type": "int", "Multiple": "Y"},
			RetPartsCount: map[string]any{"Name": map[string]string{"ru": "Число частей"}, "Type": "int"},
			RetErrorText:  map[string]any{"Name": map[string]string{"ru": "Текст ошибки"}, "Type": "string"},
		},
	}}
}
