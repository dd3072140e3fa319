package portal_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/portal"
)

// «Платежи компании» gets its fields under UF_CRM_{typeId}_ names and its stages before the
// pipeline's own success and failure stages; a second run creates nothing.
func TestProvisionCompanyPaymentsFieldsAndStagesOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	v, err := portal.Provision(ctx, b.client, handlers)
	require.NoError(t, err)
	cp := v.CompanyPayments
	require.True(t, cp.Provisioned())
	require.NotEqual(t, v.SPAEntityTypeID, cp.EntityTypeID)
	fields := b.fake.UserFields(fmt.Sprint("CRM_", cp.TypeID))
	require.Len(t, fields, portal.CompanyPaymentFieldCount)
	for _, f := range fields {
		require.True(t, strings.HasPrefix(f, fmt.Sprintf("UF_CRM_%d_", cp.TypeID)), f)
	}
	require.Equal(t, fmt.Sprintf("ufCrm%dRemaining", cp.TypeID), cp.FieldName(portal.CPRemaining))

	stages := b.fake.Stages(fmt.Sprintf("DYNAMIC_%d_STAGE_%d", cp.EntityTypeID, cp.CategoryID))
	order := map[string]int{}
	for i, s := range stages {
		order[s[0]] = i
		if s[0] == cp.Stages[portal.CompanyPaymentPaid] {
			require.Equal(t, [2]string{"Оплачен", "S"}, [2]string{s[1], s[2]}, "«Оплачен» is the pipeline's own success stage, renamed")
		}
		if s[0] == cp.Stages[portal.CompanyPaymentCancelled] {
			require.Equal(t, [2]string{"Отменён", "F"}, [2]string{s[1], s[2]}, "«Отменён» is its failure stage, renamed")
		}
	}
	require.Less(t, order[cp.Stages[portal.CompanyPaymentPlanned]], order[cp.Stages[portal.CompanyPaymentSent]])
	require.Less(t, order[cp.Stages[portal.CompanyPaymentSent]], order[cp.Stages[portal.CompanyPaymentPaid]])

	before := b.creations()
	again, err := portal.Provision(ctx, b.client, handlers)
	require.NoError(t, err)
	require.Equal(t, before, b.creations(), "re-install creates nothing")
	require.Equal(t, cp, again.CompanyPayments)
}
