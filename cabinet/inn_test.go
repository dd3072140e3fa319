package cabinet

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidINN(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		inn  string
		ok   bool
	}{
		{"CompanySberbank", "7707083893", true},
		{"CompanyYandex", "7736207543", true},
		{"CompanyWrongCheckDigit", "7707083894", false},
		{"PersonValid", "500100732259", true},
		{"PersonWrongEleventhDigit", "500100732269", false},
		{"PersonWrongTwelfthDigit", "500100732258", false},
		{"ElevenDigits", "77070838931", false},
		{"Letters", "77070838AB", false},
		{"Empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.ok, ValidINN(tc.inn))
		})
	}
}

func TestValidKPP(t *testing.T) {
	t.Parallel()
	require.True(t, ValidKPP("773601001"))
	require.True(t, ValidKPP("7736AB001"))
	require.False(t, ValidKPP("77360100"))
	require.False(t, ValidKPP("7736ab001"))
}

func FuzzValidINN(f *testing.F) {
	f.Add("7707083893")
	f.Add("500100732259")
	f.Fuzz(func(t *testing.T, s string) {
		if ValidINN(s) && len(s) != 10 && len(s) != 12 {
			t.Fatalf("%q accepted", s)
		}
	})
}

func TestProfileValidate(t *testing.T) {
	t.Parallel()
	company := Profile{Kind: KindCompany, Name: "Анна", Email: "anna@example.ru", Phone: "+7 900 000-00-01",
		INN: "7707083893", KPP: "773601001", LegalName: "ООО «Ромашка»", LegalAddress: "Москва, ул. Ленина, 1"}
	for _, tc := range []struct {
		name  string
		edit  func(p *Profile)
		field string // "" when valid
	}{
		{"CompanyValid", func(*Profile) {}, ""},
		{"CompanyWithPersonINN", func(p *Profile) { p.INN = "500100732259" }, "inn"},
		{"CompanyWithoutKPP", func(p *Profile) { p.KPP = "" }, "kpp"},
		{"IPWithPersonINN", func(p *Profile) { p.Kind, p.INN = KindIP, "500100732259" }, ""},
		{"IPWithCompanyINN", func(p *Profile) { p.Kind = KindIP }, "inn"},
		{"CompanyWithoutAddress", func(p *Profile) { p.LegalAddress = " " }, "legal_address"},
		{"PersonNeedsNoRequisites", func(p *Profile) { p.Kind, p.INN, p.KPP = KindPerson, "bad", "bad" }, ""},
		{"BadEmail", func(p *Profile) { p.Email = "anna@" }, "email"},
		{"ShortPhone", func(p *Profile) { p.Phone = "12345" }, "phone"},
		{"UnknownRoute", func(p *Profile) { p.Route = "cash" }, "route"},
		{"UnknownKind", func(p *Profile) { p.Kind = "bank" }, "kind"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := company
			tc.edit(&p)
			p.Normalize()
			err := p.Validate()
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			require.Contains(t, FieldErrors(err), tc.field)
		})
	}
}

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	require.Equal(t, "+79001234567", NormalizePhone("8 (900) 123-45-67"))
	require.Equal(t, "+79001234567", NormalizePhone("900 123 45 67"))
	require.Equal(t, "+79001234567", NormalizePhone("+7-900-123-45-67"))
}
