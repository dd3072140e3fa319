package finance

import (
	"context"
	"errors"

	"b24pay/bitrix"
	"b24pay/portal"
)

// CompanyTotals are our payments to one counterparty in one currency, over all its contracts.
type CompanyTotals struct {
	PaidMinor int64
	Count     int
}

// CompanyTotals sums the bookings of a counterparty (a Bitrix24 company id) in one currency.
func (s *Service) CompanyTotals(ctx context.Context, memberID string, companyID int64, currency string) (CompanyTotals, error) {
	var t CompanyTotals
	err := s.db.WithContext(ctx).Raw(`SELECT COALESCE(SUM(amount_minor), 0) AS paid_minor, COUNT(*) AS count
 FROM company_payment_bookings WHERE member_id = ? AND company_id = ? AND currency = ?`, memberID, companyID, currency).
		Scan(&t).Error
	return t, err
}

// pushCompanyTotals writes the counterparty's totals to its company card (crm.company.update, docs:
// api-reference/crm/companies/crm-company-update.md; a money field takes "amount|currency"). The values
// are absolute sums over our bookings, so a repeated or late push writes the same thing.
func (s *Service) pushCompanyTotals(ctx context.Context, cl *bitrix.Client, memberID string, companyID int64, currency string) error {
	if companyID == 0 {
		return nil
	}
	t, err := s.CompanyTotals(ctx, memberID, companyID, currency)
	if err != nil {
		return err
	}
	cur := currencyOf(currency)
	err = cl.LegacyUpdate(ctx, "company", bitrix.ID(companyID), map[string]any{
		portal.CompanyOutPaidField:  cur.Plain(major(t.PaidMinor, cur)) + "|" + cur.Code,
		portal.CompanyOutCountField: t.Count,
	})
	if errors.Is(err, bitrix.ErrNotFound) {
		return nil // the company was deleted in Bitrix24: nothing to show the totals on
	}
	return err
}
