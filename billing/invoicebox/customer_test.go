package invoicebox

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCustomerValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		c     Customer
		field string // empty when valid
	}{
		{"Organisation", Customer{Kind: CustomerLegal, Name: "ООО «Ромашка»", INN: "7710044140", KPP: "770201001", Phone: "79001112233"}, ""},
		{"SoleProprietor", Customer{Kind: CustomerLegal, Name: "ИП Иванов И. И.", INN: "500123456750"}, ""},
		{"Person", Customer{Kind: CustomerPrivate, Name: "Иванов Иван", Email: "ivan@example.ru"}, ""},
		{"PersonWithINN", Customer{Kind: CustomerPrivate, INN: "500123456750"}, ""},
		{"OrganisationWithoutRequisites", Customer{Kind: CustomerLegal, Name: "ООО «Ромашка»"}, ""},
		{"KPPWithoutINN", Customer{Kind: CustomerLegal, Name: "ООО", KPP: "770201001"}, "customer.inn"},
		{"OrganisationWithoutKPP", Customer{Kind: CustomerLegal, Name: "ООО", INN: "7710044140"}, "customer.kpp"},
		{"SoleProprietorWithKPP", Customer{Kind: CustomerLegal, Name: "ИП", INN: "500123456750", KPP: "770201001"}, "customer.kpp"},
		{"BadCheckDigit", Customer{Kind: CustomerLegal, Name: "ООО", INN: "7710044141", KPP: "770201001"}, "customer.inn"},
		{"ElevenDigits", Customer{Kind: CustomerLegal, Name: "ООО", INN: "77100441401", KPP: "770201001"}, "customer.inn"},
		{"LegalWithoutName", Customer{Kind: CustomerLegal, INN: "7710044140", KPP: "770201001"}, "customer.name"},
		{"PersonWithKPP", Customer{Kind: CustomerPrivate, KPP: "770201001"}, "customer.kpp"},
		{"PersonWithOrganisationINN", Customer{Kind: CustomerPrivate, INN: "7710044140"}, "customer.inn"},
		{"PhoneWithPlus", Customer{Kind: CustomerPrivate, Phone: "+79001112233"}, "customer.phone"},
		{"UnknownKind", Customer{Kind: "individual_entrepreneur"}, "customer.kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.c.Validate()
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			var ie *InputError
			require.ErrorAs(t, err, &ie)
			require.Equal(t, tt.field, ie.Field)
		})
	}
}

func TestSoleProprietorIsLegalWithTwelveDigits(t *testing.T) {
	t.Parallel()
	require.True(t, Customer{Kind: CustomerLegal, INN: "500123456750"}.IsSoleProprietor())
	require.False(t, Customer{Kind: CustomerLegal, INN: "7710044140"}.IsSoleProprietor())
	require.Equal(t, "legal", Customer{Kind: CustomerLegal}.wire().Type)
}
