package portal

import (
	"errors"
	"fmt"

	"b24pay/bitrix"
)

// Step is one provisioning step.
type Step string

// Provisioning steps, in order.
const (
	StepSmartProcess       Step = "smart process"
	StepSmartProcessFields Step = "smart process fields"
	StepStages             Step = "stages"
	StepClientFields       Step = "deal and client fields"
	StepPlacements         Step = "placements"
	StepEvents             Step = "event bindings"
	StepPaySystems         Step = "pay systems"
	StepRobots             Step = "robots"
	StepCompanyPayments    Step = "company payments"
)

// stepTitles name the steps for the admin (UI text is Russian).
var stepTitles = map[Step]string{
	StepSmartProcess:       "создание смарт-процесса «" + SPATitle + "»",
	StepSmartProcessFields: "создание полей смарт-процесса",
	StepStages:             "создание стадий смарт-процесса",
	StepClientFields:       "создание полей «Остаток долга» в сделках и «Доверенный клиент» в компаниях и контактах",
	StepPlacements:         "встраивание вкладки «График платежей» в карточки сделок и лидов",
	StepEvents:             "подписка на события CRM",
	StepPaySystems:         "регистрация платёжных систем",
	StepRobots:             "регистрация робота «Разделить счёт на части»",
	StepCompanyPayments:    "создание смарт-процесса «" + CompanyPaymentsTitle + "», его полей и стадий",
}

// StepError is a provisioning step the portal refused.
type StepError struct {
	Step Step
	Err  error
}

func (e *StepError) Error() string { return fmt.Sprintf("provision %s: %v", e.Step, e.Err) }

func (e *StepError) Unwrap() error { return e.Err }

// Title names the failed step in Russian.
func (e *StepError) Title() string { return stepTitles[e.Step] }

// Hint tells the admin what to do about the refusal (Russian).
func (e *StepError) Hint() string {
	switch {
	case errors.Is(e.Err, ErrNoPaySystems):
		return "Битрикс24 не принял ни одной платёжной системы: на портале нет активного типа плательщика для сделок и счетов. Проверьте в CRM → Настройки → Типы плательщиков, что физическое и юридическое лицо активны, и повторите установку."
	case errors.Is(e.Err, bitrix.ErrInsufficientScope):
		return "Приложению не хватает прав. Отметьте в настройках локального приложения права " + ScopeList + " и переустановите его."
	case errors.Is(e.Err, bitrix.ErrAccessDenied):
		return "Битрикс24 отказал в доступе: установите приложение от имени администратора портала и проверьте тариф (смарт-процессы и платёжные системы доступны не на всех тарифах)."
	case errors.Is(e.Err, bitrix.ErrPaymentRequired):
		return "Тариф портала не позволяет этот шаг. Продлите или смените тариф и повторите установку."
	}
	return "Повторите установку: уже созданное найдётся и не продублируется. Если ошибка повторится, передайте её текст поддержке."
}

// ErrNoPaySystems: pay systems were asked for, but no payer type of the portal accepted one.
var ErrNoPaySystems = errors.New("portal: no pay system registered")
