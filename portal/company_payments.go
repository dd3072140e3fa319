package portal

import (
	"context"
	"strconv"

	"b24pay/bitrix"
)

// CompanyPaymentsTitle names the smart process of the company's own outgoing payments
// (leasing, loans, rent): one item per contract, advanced by finance when it reaches «Оплачен».
const CompanyPaymentsTitle = "Платежи компании"

// CompanyPayments records the provisioned «Платежи компании» smart process.
type CompanyPayments struct {
	TypeID       int               `json:"type_id"`
	EntityTypeID int               `json:"entity_type_id"`
	CategoryID   int               `json:"category_id"`
	Stages       map[string]string `json:"stages"` // our stage code → Bitrix24 STATUS_ID
}

// Company payment stage codes.
const (
	CompanyPaymentPlanned   = "planned"
	CompanyPaymentSent      = "sent"
	CompanyPaymentPaid      = "paid"
	CompanyPaymentCancelled = "cancelled"
)

// companyPaymentStages: in-progress stages, then the pipeline's own success and failure stage
// (the same rule as the instalment pipeline, docs: api-reference/crm/status/crm-status-add.md).
var companyPaymentStages = []stageDef{
	{CompanyPaymentPlanned, "Запланирован", ""},
	{CompanyPaymentSent, "Отправлен", ""},
	{CompanyPaymentPaid, "Оплачен", "S"},
	{CompanyPaymentCancelled, "Отменён", "F"},
}

// Company payment field postfixes (UF_CRM_{typeId}_{postfix}, docs:
// api-reference/crm/universal/userfieldconfig/userfieldconfig-add.md). The counterparty is the
// item's own company binding (companyId: the type is created with isClientEnabled).
const (
	CPContractNumber = "CONTRACT_NO"
	CPContractDate   = "CONTRACT_DATE"
	CPAmount         = "AMOUNT"
	CPInterest       = "INTEREST"
	CPPayDate        = "PAY_DATE"
	CPRegular        = "REGULAR"
	CPEvery          = "EVERY"
	CPUnit           = "UNIT"
	CPTotalDebt      = "TOTAL_DEBT"
	CPRemaining      = "REMAINING"
	CPPaidTotal      = "PAID_TOTAL"
	CPPayCount       = "PAY_COUNT"
	CPLastPaid       = "LAST_PAID"
	CPExcess         = "EXCESS"
)

var companyPaymentFields = []struct{ Postfix, Type, Label string }{
	{CPContractNumber, "string", "Номер договора"},
	{CPContractDate, "date", "Дата договора"},
	{CPAmount, "double", "Сумма платежа"},
	{CPInterest, "double", "В том числе проценты"},
	{CPPayDate, "date", "Дата платежа"},
	{CPRegular, "boolean", "Регулярный"},
	{CPEvery, "integer", "Периодичность: каждые N"},
	{CPUnit, "string", "Периодичность: дней, недель, месяцев, кварталов или лет"},
	{CPTotalDebt, "double", "Общая сумма долга по договору"},
	{CPRemaining, "double", "Остаток долга"},
	{CPPaidTotal, "double", "Оплачено всего"},
	{CPPayCount, "integer", "Количество платежей"},
	{CPLastPaid, "date", "Дата последнего платежа"},
	{CPExcess, "double", "Переплата"},
}

// FieldName is the crm.item name of one of the company payment fields.
func (c CompanyPayments) FieldName(postfix string) string { return itemFieldName(c.TypeID, postfix) }

// StageCode maps a Bitrix24 STATUS_ID back to our stage code ("" when it is not one of ours).
func (c CompanyPayments) StageCode(statusID string) string {
	for code, id := range c.Stages {
		if id == statusID {
			return code
		}
	}
	return ""
}

// Provisioned tells whether the smart process exists in the portal.
func (c CompanyPayments) Provisioned() bool { return c.EntityTypeID != 0 && len(c.Stages) > 0 }

// ensureCompanyPayments creates the «Платежи компании» smart process, its fields and its stages,
// each only when missing.
func ensureCompanyPayments(ctx context.Context, cl *bitrix.Client, c *CompanyPayments) error {
	var err error
	if c.TypeID, c.EntityTypeID, err = ensureType(ctx, cl, CompanyPaymentsTitle, nil); err != nil {
		return err
	}
	entityID := "CRM_" + strconv.Itoa(c.TypeID)
	have, err := existingUserFields(ctx, cl, entityID)
	if err != nil {
		return err
	}
	for i, f := range companyPaymentFields {
		uf := userField{EntityID: entityID, Name: spaFieldName(c.TypeID, f.Postfix), Type: f.Type, Label: f.Label, Sort: 100 + 10*i}
		if _, err := ensureUserField(ctx, cl, have, uf); err != nil {
			return err
		}
	}
	c.CategoryID, c.Stages, err = ensurePipeline(ctx, cl, c.EntityTypeID, companyPaymentStages)
	return err
}

// CompanyPaymentFieldCount is the number of user fields of the «Платежи компании» smart process.
var CompanyPaymentFieldCount = len(companyPaymentFields)
