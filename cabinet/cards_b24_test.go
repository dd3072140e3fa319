package cabinet

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/bitrix"
	"b24pay/bitrix/b24fake"
)

type fakePortal struct {
	p  *b24fake.Portal
	cl *bitrix.Client
}

func (f fakePortal) For(context.Context, string) (*bitrix.Client, error) { return f.cl, nil }

func newFakePortal(t *testing.T) fakePortal {
	p := b24fake.New(b24fake.Options{ClientID: "local.1", ClientSecret: "s", Rate: 1e6, Burst: 1 << 30})
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	p.SetBaseURL(srv.URL)
	access, refresh := p.InstallTokens()
	cl, err := bitrix.New(bitrix.Config{ClientID: "local.1", ClientSecret: "s", Rate: 1e6, Burst: 1 << 20},
		bitrix.Credentials{MemberID: p.MemberID(), ClientEndpoint: p.ClientEndpoint(), ServerEndpoint: p.ServerEndpoint(),
			AccessToken: access, RefreshToken: refresh, ApplicationToken: p.ApplicationToken()},
		func(context.Context, bitrix.Credentials) error { return nil })
	require.NoError(t, err)
	return fakePortal{p: p, cl: cl}
}

func companyProfile() Profile {
	p := Profile{Kind: KindCompany, Name: "Анна Смирнова", Email: "anna@romashka.ru", Phone: "+7 900 000-00-01",
		INN: "7707083893", KPP: "773601001", LegalName: "ООО «Ромашка»", LegalAddress: "101000, Москва, ул. Ленина, 1"}
	p.Normalize()
	return p
}

func TestCardsCreateACompanyWithRequisiteAndLegalAddress(t *testing.T) {
	t.Parallel()
	f := newFakePortal(t)
	cards := B24Cards{Clients: f}
	c, err := cards.Match(context.Background(), member, companyProfile())
	require.NoError(t, err)
	require.Equal(t, CardCompany, c.Type)
	require.True(t, c.Own, "created for this client")
	co, ok := f.p.Item(4, int(c.ID))
	require.True(t, ok)
	require.Equal(t, "ООО «Ромашка»", co["title"])

	rows, err := f.cl.RequisitesWhere(context.Background(), map[string]any{"ENTITY_TYPE_ID": 4, "ENTITY_ID": c.ID})
	require.NoError(t, err)
	require.Len(t, rows, 1)
	require.Contains(t, string(rows[0]), `"RQ_INN":"7707083893"`)
	require.Contains(t, string(rows[0]), `"RQ_KPP":"773601001"`)
	require.Contains(t, string(rows[0]), `"PRESET_ID":"1"`, "the organisation template")

	again, err := cards.Match(context.Background(), member, companyProfile())
	require.NoError(t, err)
	require.Equal(t, c, again, "found by its ИНН, not created twice")
}

func TestCardsFindAnExistingCard(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		seed func(f fakePortal) int
		prof func() Profile
		own  bool // found by the verified e-mail
	}{
		{"ContactByEmail", func(f fakePortal) int {
			id, err := f.p.AddItem(3, map[string]any{"name": "Иван", "email": []any{map[string]any{"VALUE": "IVAN@example.ru", "VALUE_TYPE": "WORK"}}})
			require.NoError(t, err)
			return id
		}, func() Profile { return person("ivan@example.ru").Profile }, true},
		{"ContactByPhone", func(f fakePortal) int {
			id, err := f.p.AddItem(3, map[string]any{"name": "Иван", "phone": []any{map[string]any{"VALUE": "8 (900) 123-45-67", "VALUE_TYPE": "WORK"}}})
			require.NoError(t, err)
			return id
		}, func() Profile {
			p := person("other@example.ru").Profile
			p.Normalize()
			return p
		}, false},
		{"CompanyByINN", func(f fakePortal) int {
			id, err := f.p.AddItem(4, map[string]any{"title": "Ромашка"})
			require.NoError(t, err)
			_, err = f.cl.RequisiteAdd(context.Background(), map[string]any{"ENTITY_TYPE_ID": 4, "ENTITY_ID": id, "PRESET_ID": 1,
				"NAME": "Реквизиты", "RQ_INN": "7707083893"})
			require.NoError(t, err)
			return id
		}, companyProfile, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakePortal(t)
			want := tc.seed(f)
			c, err := B24Cards{Clients: f}.Match(context.Background(), member, tc.prof())
			require.NoError(t, err)
			require.Equal(t, int64(want), c.ID)
			require.Equal(t, tc.own, c.Own)
			require.Len(t, f.p.Items(3), map[bool]int{true: 1, false: 0}[c.Type == CardContact], "nothing created")
		})
	}
}

func TestCardsCreateAnIPWithItsTemplateAndUpdateIt(t *testing.T) {
	t.Parallel()
	f := newFakePortal(t)
	p := Profile{Kind: KindIP, Name: "Пётр", Email: "petr@example.ru", Phone: "+79000000002", INN: "500100732259",
		LegalName: "ИП Петров Пётр Петрович", LegalAddress: "Тверь, ул. Советская, 2"}
	cards := B24Cards{Clients: f}
	c, err := cards.Match(context.Background(), member, p)
	require.NoError(t, err)
	rows, err := f.cl.RequisitesWhere(context.Background(), map[string]any{"ENTITY_ID": c.ID, "ENTITY_TYPE_ID": 4})
	require.NoError(t, err)
	require.Contains(t, string(rows[0]), `"PRESET_ID":"2"`, "the ИП template")

	p.LegalName, p.Phone = "ИП Петров П. П.", "+79000000003"
	require.NoError(t, cards.Update(context.Background(), member, c, p))
	co, _ := f.p.Item(4, int(c.ID))
	require.Equal(t, "ИП Петров П. П.", co["title"])
	rows, err = f.cl.RequisitesWhere(context.Background(), map[string]any{"ENTITY_ID": c.ID, "ENTITY_TYPE_ID": 4})
	require.NoError(t, err)
	require.Contains(t, string(rows[0]), `"RQ_NAME":"ИП Петров П. П."`)
	found, err := f.cl.FindByComm(context.Background(), "PHONE", "COMPANY", []string{"+7 900 000-00-03"})
	require.NoError(t, err)
	require.Equal(t, []bitrix.ID{bitrix.ID(c.ID)}, found["COMPANY"])
}
