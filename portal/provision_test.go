package portal_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/bitrix"
	"b24pay/bitrix/b24fake"
	"b24pay/portal"
)

type testBundle struct {
	fake   *b24fake.Portal
	client *bitrix.Client
}

func setup(t *testing.T, opts ...func(*b24fake.Options)) *testBundle {
	t.Helper()
	o := b24fake.Options{ClientID: "local.1", ClientSecret: "s", Rate: 1000, Burst: 1000}
	for _, f := range opts {
		f(&o)
	}
	p := b24fake.New(o)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	p.SetBaseURL(srv.URL)
	access, refresh := p.InstallTokens()
	cfg := bitrix.Config{ClientID: "local.1", ClientSecret: "s", Rate: 1000, Burst: 998, RetryBase: time.Millisecond,
		RetryMax: 5 * time.Millisecond, Limiters: bitrix.NewLimiters()}
	creds := bitrix.Credentials{MemberID: p.MemberID(), ClientEndpoint: p.ClientEndpoint(), ServerEndpoint: p.ServerEndpoint(),
		AccessToken: access, RefreshToken: refresh}
	cl, err := bitrix.New(cfg, creds, func(context.Context, bitrix.Credentials) error { return nil })
	require.NoError(t, err)
	return &testBundle{fake: p, client: cl}
}

var handlers = portal.Handlers{Placement: "https://pay.example.ru/b24/placement", Events: "https://pay.example.ru/b24/events",
	PaySystems: []portal.PaySystem{
		{Code: "invoicebox", Name: "Счёт", ClientType: "b2b", ActionURL: "https://pay.example.ru/b24/paysystem/invoicebox"},
		{Code: "sbp", Name: "СБП", ClientType: "b2c", ActionURL: "https://pay.example.ru/b24/paysystem/sbp"},
	}, PaySystemKey: "k"}

// creations counts the calls that create something.
func (b *testBundle) creations() int {
	n := 0
	for _, m := range []string{"crm.type.add", "userfieldconfig.add", "crm.status.add", "crm.status.update", "placement.bind", "event.bind",
		"sale.paysystem.handler.add"} {
		n += b.fake.Calls(m)
	}
	resp, err := b.client.Call(context.Background(), "sale.paysystem.list", nil)
	if err != nil {
		panic(err)
	}
	return n + strings.Count(string(resp.Result), `"ACTION_FILE"`)
}

func TestProvisionFreshPortalFollowsTheDocsAndReinstallCreatesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	v, err := portal.Provision(ctx, b.client, handlers)
	require.NoError(t, err)

	require.Equal(t, portal.DealDebtField, v.DealDebtField)
	require.ElementsMatch(t, []string{"UF_CRM_DEAL_B24PAY_DEBT"}, b.fake.UserFields("CRM_DEAL"))
	require.ElementsMatch(t, []string{"UF_CRM_COMPANY_B24PAY_TRUSTED", portal.CompanyOutPaidField, portal.CompanyOutCountField},
		b.fake.UserFields("CRM_COMPANY"), "the trusted flag and the totals of our payments to the counterparty")
	require.ElementsMatch(t, []string{"UF_CRM_CONTACT_B24PAY_TRUSTED"}, b.fake.UserFields("CRM_CONTACT"))
	spaFields := b.fake.UserFields(fmt.Sprint("CRM_", v.SPATypeID))
	require.Len(t, spaFields, 5)
	for _, f := range spaFields {
		require.True(t, strings.HasPrefix(f, fmt.Sprintf("UF_CRM_%d_", v.SPATypeID)), f)
	}

	stages := b.fake.Stages(fmt.Sprintf("DYNAMIC_%d_STAGE_%d", v.SPAEntityTypeID, v.CategoryID))
	var order []string
	successAt := -1
	for i, s := range stages {
		order = append(order, s[0])
		if s[2] == "S" {
			successAt = i
			require.Equal(t, v.Stages["paid"], s[0], "«Оплачен» is the pipeline's own success stage")
			require.Equal(t, "Оплачен", s[1], "renamed from «Успех»")
		}
	}
	for _, code := range []string{"planned", "invoiced", "partly_paid", "overdue"} {
		pos := indexOf(order, v.Stages[code])
		require.GreaterOrEqual(t, pos, 0, code)
		require.Less(t, pos, successAt, "%s sorts before success: %v", code, order)
	}
	require.Equal(t, [2]string{"Отменён", "F"}, [2]string{stages[indexOf(order, v.Stages["cancelled"])][1], stages[indexOf(order, v.Stages["cancelled"])][2]},
		"the first failure stage, renamed from «Провал»")
	require.Equal(t, 4, b.fake.Calls("crm.status.update"), "success and failure of the instalment and company-payment pipelines")
	var semantics []string
	for _, s := range stages {
		semantics = append(semantics, s[2])
	}
	require.Equal(t, 1, strings.Count(strings.Join(semantics, ","), "S"), "no rival success stage")

	require.Len(t, b.fake.Placements(), 4, "deal and lead «График платежей», contact and company «Подписки»")
	var codes []string
	for _, pl := range b.fake.Placements() {
		codes = append(codes, pl.Placement+" "+pl.Title)
	}
	require.ElementsMatch(t, []string{"CRM_DEAL_DETAIL_TAB График платежей", "CRM_LEAD_DETAIL_TAB График платежей",
		"CRM_CONTACT_DETAIL_TAB Подписки", "CRM_COMPANY_DETAIL_TAB Подписки"}, codes)
	require.Len(t, b.fake.EventBindings(), len(portal.EventNames))
	require.Equal(t, 4, v.PaySystems, "two routes × the two ORDER payer types; CRM_INVOICE ones refused and skipped")

	before := b.creations()
	again, err := portal.Provision(ctx, b.client, handlers)
	require.NoError(t, err)
	require.Equal(t, before, b.creations(), "a re-install creates and renames nothing")
	require.Equal(t, v, again)
}

func TestProvisionAdoptsWhatThePreviousVersionCreated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	typeID, etid, err := b.fake.AddSmartProcess(portal.SPATitle, 0)
	require.NoError(t, err)
	for _, f := range []string{"AMOUNT", "DUE_DATE", "PAID", "NUMBER", "SCHEDULE"} {
		require.NoError(t, b.fake.AddUserField(fmt.Sprint("CRM_", typeID), fmt.Sprintf("UF_CRM_%d_%s", typeID, f), "string", false))
	}
	// The previous version's names (legal for crm.<entity>.userfield.add, refused by userfieldconfig.add).
	require.NoError(t, b.fake.AddLegacyUserField("CRM_DEAL", "UF_CRM_B24PAY_DEBT", "money"))
	require.NoError(t, b.fake.AddLegacyUserField("CRM_COMPANY", "UF_CRM_B24PAY_TRUSTED", "boolean"))
	require.NoError(t, b.fake.AddLegacyUserField("CRM_CONTACT", "UF_CRM_B24PAY_TRUSTED", "boolean"))
	require.Error(t, b.fake.AddUserField("CRM_DEAL", "UF_CRM_B24PAY_DEBT", "money", false), "the docs' rule refuses the old name")
	// Its stages at SORT 1000–1050, after the default ones.
	resp, err := b.client.Call(ctx, "crm.category.list", map[string]any{"entityTypeId": etid})
	require.NoError(t, err)
	var cats struct {
		Categories []struct {
			ID int `json:"id"`
		} `json:"categories"`
	}
	require.NoError(t, json.Unmarshal(resp.Result, &cats))
	cat := cats.Categories[0].ID
	pipeline := fmt.Sprintf("DYNAMIC_%d_STAGE_%d", etid, cat)
	for i, s := range portal.Stages {
		id := fmt.Sprintf("DT%d_%d:B24PAY_%s", etid, cat, strings.ToUpper(s.Code))
		require.NoError(t, b.fake.AddStage(pipeline, id, s.Name, 1000+10*i, s.Semantics))
	}

	v, err := portal.Provision(ctx, b.client, handlers)
	require.NoError(t, err)
	require.Equal(t, "UF_CRM_B24PAY_DEBT", v.DealDebtField, "the existing field keeps being written")
	require.Equal(t, []string{"UF_CRM_B24PAY_DEBT"}, b.fake.UserFields("CRM_DEAL"), "no second debt field")
	require.Equal(t, []string{"UF_CRM_B24PAY_TRUSTED", portal.CompanyOutPaidField, portal.CompanyOutCountField}, b.fake.UserFields("CRM_COMPANY"))
	require.Equal(t, []string{"UF_CRM_B24PAY_TRUSTED"}, b.fake.UserFields("CRM_CONTACT"))
	// Only what is new since that version is created: «Платежи компании» and the company card's totals.
	require.Equal(t, portal.CompanyPaymentFieldCount+2, b.fake.Calls("userfieldconfig.add"))
	require.Equal(t, 1, b.fake.Calls("crm.type.add"))
	require.Equal(t, 2, b.fake.Calls("crm.status.add"), "its «Запланирован» and «Отправлен»")
	require.Equal(t, fmt.Sprintf("DT%d_%d:B24PAY_PAID", etid, cat), v.Stages["paid"], "items already in the old stages stay mapped")
	require.Equal(t, fmt.Sprintf("DT%d_%d:B24PAY_PLANNED", etid, cat), v.Stages["planned"])
}

func TestProvisionRefusedStepIsNamedAndRetryFinishesWithoutDuplicates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.fake.FailNext("placement.bind", 1, "ACCESS_DENIED", 0)
	_, err := portal.Provision(ctx, b.client, handlers)
	var step *portal.StepError
	require.ErrorAs(t, err, &step)
	require.Equal(t, portal.StepPlacements, step.Step)
	require.ErrorIs(t, err, bitrix.ErrAccessDenied)
	require.Contains(t, step.Title(), "вкладки")
	require.Contains(t, step.Hint(), "администратора")

	v, err := portal.Provision(ctx, b.client, handlers)
	require.NoError(t, err)
	require.Equal(t, 2, b.fake.Calls("crm.type.add"), "the instalment and the company payments smart process, once each")
	require.Len(t, b.fake.UserFields(fmt.Sprint("CRM_", v.SPATypeID)), 5)
	require.Len(t, b.fake.Placements(), 4)
	require.Len(t, b.fake.EventBindings(), len(portal.EventNames))
}

func TestProvisionWithoutScopeNamesTheScopes(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *b24fake.Options) {
		o.Scope = []string{"userfieldconfig", "placement", "im", "pay_system", "sale"}
	})
	_, err := portal.Provision(context.Background(), b.client, handlers)
	var step *portal.StepError
	require.ErrorAs(t, err, &step)
	require.ErrorIs(t, err, bitrix.ErrInsufficientScope)
	require.Contains(t, step.Hint(), portal.ScopeList)
}

func TestProvisionWithNoPayerTypeAcceptingSaysSo(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.FailNext("sale.paysystem.add", 100, "ERROR_PERSON_TYPE_NOT_FOUND", 400)
	v, err := portal.Provision(context.Background(), b.client, handlers)
	require.ErrorIs(t, err, portal.ErrNoPaySystems)
	require.Zero(t, v.PaySystems)
	require.NotZero(t, v.SPAEntityTypeID, "everything else is provisioned")
	var step *portal.StepError
	require.True(t, errors.As(err, &step))
	require.Contains(t, step.Hint(), "тип")
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func TestProvisionFindsItsFieldOnALaterPageOfUserFields(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for i := range 55 {
		require.NoError(t, b.fake.AddUserField("CRM_DEAL", fmt.Sprintf("UF_CRM_DEAL_OTHER_%d", i), "string", false))
	}
	require.NoError(t, b.fake.AddLegacyUserField("CRM_DEAL", "UF_CRM_B24PAY_DEBT", "money"))
	v, err := portal.Provision(context.Background(), b.client, handlers)
	require.NoError(t, err)
	require.Equal(t, "UF_CRM_B24PAY_DEBT", v.DealDebtField, "userfieldconfig.list pages by 50: the 56th field is found")
	require.Len(t, b.fake.UserFields("CRM_DEAL"), 56)
}
