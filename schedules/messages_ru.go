package schedules

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

var fieldNamesRU = map[string]string{
	"scheme": "схема", "total": "сумма", "currency": "валюта", "down": "первый взнос", "down.due": "дата первого взноса",
	"down_percent": "первый взнос в процентах", "count": "число платежей", "term": "срок", "period": "период", "every": "шаг периода",
	"first": "дата первого платежа", "rows": "строки графика", "rows.due": "дата",
	"rows.amount": "сумма строки", "rows.percent": "процент строки", "rate": "ставка",
	"lines": "строки счёта", "lines.name": "название", "lines.quantity": "количество",
	"lines.price": "цена", "lines.vat": "ставка НДС", "parts": "число частей", "shares": "доли частей",
	"seq": "платёж", "amount": "сумма платежа", "due": "дата платежа",
	"transfers.from": "выходной день", "transfers.to": "новый выходной",
}

// MessageRU is the engine's Russian wording of a validation error, for the
// UI and the CLI: «сумма: допустимо от 0.01 до 1000000000000».
func MessageRU(e *ValidationError) string {
	var b strings.Builder
	b.WriteString(fieldRU(e.Field))
	if e.Row > 0 {
		fmt.Fprintf(&b, " (строка %d)", e.Row)
	}
	b.WriteString(": ")
	b.WriteString(codeRU(e))
	return b.String()
}

// ReasonRU is MessageRU without the field's name, for a message shown next
// to the field: «укажите будний день, который не является праздником».
func ReasonRU(e *ValidationError) string { return codeRU(e) }

func fieldRU(f string) string {
	if s, ok := fieldNamesRU[f]; ok {
		return s
	}
	return f
}

func codeRU(e *ValidationError) string {
	switch e.Code {
	case CodeRequired:
		return "обязательное поле"
	case CodeUnknown:
		return "неизвестное значение"
	case CodeOutOfRange:
		if e.Field == "down.due" {
			return "не позже первого платежа — " + boundRU(e, e.Max)
		}
		return fmt.Sprintf("допустимо от %s до %s", boundRU(e, e.Min), boundRU(e, e.Max))
	case CodeTooPrecise:
		return "слишком много знаков после запятой для этой валюты"
	case CodeConflict:
		return "нельзя указывать вместе с полем «" + fieldRU(e.Other) + "»"
	case CodeNotWhole:
		return "срок должен содержать целое число периодов"
	case CodeSumMismatch:
		if e.Diff.IsNegative() {
			return "строки не сходятся с итогом: не хватает " + quantityRU(e, e.Diff.Neg())
		}
		return "строки не сходятся с итогом: лишние " + quantityRU(e, e.Diff)
	case CodeMixedRows:
		return "укажите во всех строках либо суммы, либо проценты"
	case CodeNotIncreasing:
		return "дата должна быть позже предыдущей"
	case CodeTooSmall:
		return "сумма слишком мала, чтобы разделить её на столько частей"
	case CodeNotAllowed:
		return "не используется в этой схеме"
	case CodeExceedsLeft:
		return "сумма больше остатка на " + NumberRU(e.Diff)
	case CodeAlreadyPaid:
		return "оплаченный платёж изменить нельзя"
	case CodeFrozen:
		return "платёж нельзя изменить: по нему выставлен счёт, идёт оплата или это первый взнос"
	case CodeNoneFree:
		return "сумму не на кого перераспределить: остальные платежи оплачены, выставлены или в оплате — измените только дату"
	case CodeNotFound:
		return "не найден"
	case CodeNotWeekend:
		return "переносится выходной: укажите субботу или воскресенье"
	case CodeNotWeekday:
		return "укажите будний день, который не является праздником"
	case CodeDuplicate:
		return "эта дата уже указана в другом переносе"
	}
	return "неверное значение"
}

// NumberRU writes a number the Russian way: thousands split by narrow no-break spaces, a decimal
// comma and a true minus sign: −40 000,5.
func NumberRU(d decimal.Decimal) string { return groupRU(d.Abs().String(), d.IsNegative(), '\u202f') }

// boundRU formats an out_of_range bound by what the field holds: a date as 02.01.2027, a
// percentage with «%», a number with grouped thousands.
func boundRU(e *ValidationError, bound string) string {
	if d, err := ParseDate(bound); err == nil {
		return d.RU()
	}
	n, err := decimal.NewFromString(bound)
	if err != nil {
		return bound
	}
	return quantityRU(e, n)
}

// quantityRU writes a number of the error's field: with «%» when the field holds percentages.
func quantityRU(e *ValidationError, d decimal.Decimal) string {
	if e.Percent || e.Field == "rate" || e.Field == "rows.percent" {
		return NumberRU(d) + "\u00a0%"
	}
	return NumberRU(d)
}

var shiftReasonsRU = map[ShiftReason]string{
	ReasonHoliday: "праздник", ReasonWeekend: "выходной", ReasonDayOff: "перенесённый выходной",
	ReasonAfterPrevious: "занята предыдущим платежом",
}

// ShiftNoteRU explains a moved due date for the tab and the CLI:
// «перенесено с 01.01.2029 — праздник»; "" when the date was not moved.
func (p Payment) ShiftNoteRU() string {
	if p.ShiftedFrom.IsZero() {
		return ""
	}
	d := p.ShiftedFrom
	return "перенесено с " + d.RU() + " — " + shiftReasonsRU[p.ShiftReason]
}

// PluralRU picks the Russian word form for n: one (1, 21), few (2–4, 22–24) or many (0, 5–20, 11–14).
func PluralRU(n int, one, few, many string) string {
	n100, n10 := n%100, n%10
	switch {
	case n100 >= 11 && n100 <= 14:
		return many
	case n10 == 1:
		return one
	case n10 >= 2 && n10 <= 4:
		return few
	}
	return many
}
