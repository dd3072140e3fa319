package b24fake

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestUserFieldCamelNames(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"UF_CRM_10_5186744711":            "ufCrm10_5186744711",
		"UF_CRM_10_DIGIT":                 "ufCrm10Digit",
		"UF_CRM_7_DUE_DATE":               "ufCrm7DueDate",
		"UF_CRM_3_DIGIT10":                "ufCrm_3_DIGIT10",
		"UF_CRM_1747309879":               "ufCrm_1747309879",
		"UF_CRM_SMART_INVOICE_1758806730": "ufCrm_SMART_INVOICE_1758806730",
	}
	for upper, camel := range cases {
		require.Equal(t, camel, ufCamelName(upper), upper)
	}
}

func TestLegacyNames(t *testing.T) {
	t.Parallel()
	cases := map[string]string{"stageId": "STAGE_ID", "parentId2": "PARENT_ID_2", "assignedById": "ASSIGNED_BY_ID",
		"isManualOpportunity": "IS_MANUAL_OPPORTUNITY", "begindate": "BEGINDATE", "currencyId": "CURRENCY_ID"}
	for camel, upper := range cases {
		require.Equal(t, upper, camelToUpper(camel))
		require.Equal(t, camel, upperToCamel(upper))
	}
	require.Equal(t, "DATE_CREATE", itemToLegacyName(etDeal, "createdTime"))
	require.Equal(t, "STATUS_ID", itemToLegacyName(etLead, "stageId"))
	require.Equal(t, "stageId", legacyToItemName(etLead, "STATUS_ID"))
}
