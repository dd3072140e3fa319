package bitrix_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/bitrix"
)

// Samples from reference §17 (decoded forms are re-encoded here).
const (
	sampleInstallQuery = "DOMAIN=acme.bitrix24.ru&PROTOCOL=1&LANG=ru&APP_SID=5f1c0e9a7d2b4c6e8f0a1b2c3d4e5f60"
	sampleInstallBody  = "AUTH_ID=8d2f0a6700773bd2006f1c3a00000001000007a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5" +
		"&AUTH_EXPIRES=3600&REFRESH_ID=7c1e896700773bd2006f1c3a0000000100000711223344556677889900aabbccdd" +
		"&SERVER_ENDPOINT=https%3A%2F%2Foauth.bitrix24.tech%2Frest%2F&APPLICATION_TOKEN=3b9d2e7f4a1c6b8d0e2f4a6c8e0b2d4f" +
		"&APPLICATION_SCOPE=crm%2Cplacement%2Cbizproc%2Cpay_system%2Csale%2Cim%2Cuser%2Cuserfieldconfig" +
		"&member_id=9f3a1c5e7b2d4f6a8c0e1b3d5f7a9c2e&status=L&PLACEMENT=DEFAULT&PLACEMENT_OPTIONS=%7B%7D"
	samplePlacementQuery = "DOMAIN=acme.bitrix24.ru&PROTOCOL=1&LANG=ru&APP_SID=0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	samplePlacementBody  = "AUTH_ID=5e6f7a68&AUTH_EXPIRES=3600&REFRESH_ID=4d5e6f68" +
		"&SERVER_ENDPOINT=https%3A%2F%2Foauth.bitrix24.tech%2Frest%2F" +
		"&APPLICATION_TOKEN=3b9d2e7f4a1c6b8d0e2f4a6c8e0b2d4f&APPLICATION_SCOPE=crm%2Cplacement" +
		"&member_id=9f3a1c5e7b2d4f6a8c0e1b3d5f7a9c2e&status=L&PLACEMENT=CRM_DEAL_DETAIL_TAB" +
		"&PLACEMENT_OPTIONS=%7B%22ID%22%3A%228061%22%2C%22URI%22%3A%22%5C%2Fcrm%5C%2Fdeal%5C%2Fdetails%5C%2F8061%5C%2F%3FIFRAME%3DY%26IFRAME_TYPE%3DSIDE_SLIDER%22%7D"
	appToken = "3b9d2e7f4a1c6b8d0e2f4a6c8e0b2d4f"
	memberID = "9f3a1c5e7b2d4f6a8c0e1b3d5f7a9c2e"
)

var sampleAppInstall = form(
	"event", "ONAPPINSTALL", "data[VERSION]", "1", "data[ACTIVE]", "Y", "data[INSTALLED]", "Y",
	"data[LANGUAGE_ID]", "ru", "ts", "1767225600",
	"auth[access_token]", "8d2f0a6700773bd2006f1c3a00000001000007a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5",
	"auth[expires]", "1767229200", "auth[expires_in]", "3600",
	"auth[scope]", "crm,placement,bizproc,pay_system,sale,im,user,userfieldconfig",
	"auth[domain]", "acme.bitrix24.ru", "auth[server_endpoint]", "https://oauth.bitrix24.tech/rest/",
	"auth[status]", "L", "auth[client_endpoint]", "https://acme.bitrix24.ru/rest/",
	"auth[member_id]", memberID, "auth[user_id]", "1",
	"auth[refresh_token]", "7c1e896700773bd2006f1c3a0000000100000711223344556677889900aabbccdd",
	"auth[application_token]", appToken,
)

var sampleItemUpdate = form(
	"event", "ONCRMDYNAMICITEMUPDATE", "event_handler_id", "42",
	"data[FIELDS][ID]", "315", "data[FIELDS][ENTITY_TYPE_ID]", "31", "ts", "1767226000",
	"auth[access_token]", "2c3d4e6800773bd2", "auth[expires_in]", "3600", "auth[scope]", "crm",
	"auth[domain]", "acme.bitrix24.ru", "auth[server_endpoint]", "https://oauth.bitrix24.tech/rest/",
	"auth[status]", "L", "auth[client_endpoint]", "https://acme.bitrix24.ru/rest/",
	"auth[member_id]", memberID, "auth[application_token]", appToken,
)

var sampleUninstall = form(
	"event", "ONAPPUNINSTALL", "data[LANGUAGE_ID]", "ru", "data[CLEAN]", "0", "ts", "1767300000",
	"auth[domain]", "acme.bitrix24.ru", "auth[server_endpoint]", "https://oauth.bitrix24.tech/rest/",
	"auth[client_endpoint]", "https://acme.bitrix24.ru/rest/", "auth[member_id]", memberID,
	"auth[application_token]", appToken,
)

var sampleRobot = form(
	"workflow_id", "681c894d3f0ec8.54818143", "code", "split_invoice",
	"document_id[0]", "crm", "document_id[1]", `Bitrix\Crm\Integration\BizProc\Document\SmartInvoice`,
	"document_id[2]", "SMART_INVOICE_315",
	"document_type[0]", "crm", "document_type[1]", `Bitrix\Crm\Integration\BizProc\Document\SmartInvoice`,
	"document_type[2]", "SMART_INVOICE",
	"event_token", "681c894d3f0ec8.54818143|A36717_5720_22885_29158|X3QpQY6RKFD8...2d26f682",
	"properties[parts]", "3", "properties[firstDue]", "2026-02-01", "properties[stepDays]", "30",
	"properties[mode]", "last", "properties[users][0]", "user_1", "properties[users][1]", "user_7",
	"use_subscription", "Y", "timeout_duration", "0", "ts", "1767226100",
	"auth[access_token]", "tok", "auth[expires]", "1767229700", "auth[expires_in]", "3600",
	"auth[scope]", "crm,bizproc", "auth[domain]", "acme.bitrix24.ru",
	"auth[server_endpoint]", "https://oauth.bitrix24.tech/rest/", "auth[status]", "L",
	"auth[client_endpoint]", "https://acme.bitrix24.ru/rest/", "auth[member_id]", memberID,
	"auth[user_id]", "1", "auth[refresh_token]", "ref", "auth[application_token]", appToken,
)

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

func postForm(target, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func TestParseAppRequestReadsTheInstallWizardPost(t *testing.T) {
	t.Parallel()
	a, err := bitrix.ParseAppRequest(postForm("/b24/install?"+sampleInstallQuery, sampleInstallBody))
	require.NoError(t, err)
	require.Equal(t, "acme.bitrix24.ru", a.Domain)
	require.True(t, a.HTTPS)
	require.Equal(t, "ru", a.Lang)
	require.Equal(t, memberID, a.MemberID)
	require.Equal(t, 3600, a.AuthExpires)
	require.Equal(t, "https://oauth.bitrix24.tech/rest/", a.ServerEndpoint)
	require.Equal(t, bitrix.PlacementDefault, a.Placement)
	require.Empty(t, a.PlacementOptions)
	require.Equal(t, "https://acme.bitrix24.ru/rest/", a.ClaimedEndpoint())
	require.NoError(t, a.VerifyApplicationToken(appToken))
	require.ErrorIs(t, a.VerifyApplicationToken("3b9d2e7f4a1c6b8d0e2f4a6c8e0b2d40"), bitrix.ErrBadApplicationToken)
	_, err = a.Target()
	require.ErrorIs(t, err, bitrix.ErrNotDetailTab)
}

func TestParseAppRequestResolvesDetailTabTargets(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		placement string
		options   string
		want      bitrix.Target
	}{
		{"DealTabSample", "CRM_DEAL_DETAIL_TAB", `{"ID":"8061","URI":"\/crm\/deal\/details\/8061\/"}`, bitrix.Target{EntityTypeID: 2, ID: 8061}},
		{"SmartInvoiceNumericID", "CRM_SMART_INVOICE_DETAIL_TAB", `{"ID":315}`, bitrix.Target{EntityTypeID: 31, ID: 315}},
		{"SmartProcessFromCode", "CRM_DYNAMIC_183_DETAIL_TAB", `{"ID":"6"}`, bitrix.Target{EntityTypeID: 183, ID: 6}},
		{"LeadWithoutURI", "CRM_LEAD_DETAIL_TAB", `{"ID":"5"}`, bitrix.Target{EntityTypeID: 1, ID: 5}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := form("AUTH_ID", "x", "member_id", memberID, "PLACEMENT", tc.placement, "PLACEMENT_OPTIONS", tc.options)
			a, err := bitrix.ParseAppForm(url.Values{"DOMAIN": {"acme.bitrix24.ru"}}, body)
			require.NoError(t, err)
			got, err := a.Target()
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
	a, err := bitrix.ParseAppRequest(postForm("/b24/deal-tab?"+samplePlacementQuery, samplePlacementBody))
	require.NoError(t, err)
	require.Equal(t, "/crm/deal/details/8061/?IFRAME=Y&IFRAME_TYPE=SIDE_SLIDER", a.Option("URI"))
}

func TestParseAppFormRejectsMalformedInput(t *testing.T) {
	t.Parallel()
	good := func() url.Values {
		return form("AUTH_ID", "x", "member_id", "m", "PLACEMENT", "CRM_DEAL_DETAIL_TAB", "PLACEMENT_OPTIONS", `{"ID":"1"}`)
	}
	cases := []struct {
		name   string
		query  url.Values
		mutate func(url.Values)
	}{
		{"NoMemberID", url.Values{"DOMAIN": {"a.ru"}}, func(v url.Values) { v.Del("member_id") }},
		{"NoAuthID", url.Values{"DOMAIN": {"a.ru"}}, func(v url.Values) { v.Del("AUTH_ID") }},
		{"NoDomain", url.Values{}, func(url.Values) {}},
		{"DomainWithPath", url.Values{"DOMAIN": {"evil.ru/x"}}, func(url.Values) {}},
		{"ProtocolNotBinary", url.Values{"DOMAIN": {"a.ru"}, "PROTOCOL": {"2"}}, func(url.Values) {}},
		{"OptionsNotJSON", url.Values{"DOMAIN": {"a.ru"}}, func(v url.Values) { v.Set("PLACEMENT_OPTIONS", "{ID:1") }},
		{"OptionsArray", url.Values{"DOMAIN": {"a.ru"}}, func(v url.Values) { v.Set("PLACEMENT_OPTIONS", `[1]`) }},
		{"ExpiresNotNumber", url.Values{"DOMAIN": {"a.ru"}}, func(v url.Values) { v.Set("AUTH_EXPIRES", "soon") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := good()
			tc.mutate(body)
			_, err := bitrix.ParseAppForm(tc.query, body)
			require.ErrorIs(t, err, bitrix.ErrMalformedRequest)
			var re *bitrix.RequestError
			require.True(t, errors.As(err, &re))
		})
	}
	a, err := bitrix.ParseAppForm(url.Values{"DOMAIN": {"a.ru"}}, form("AUTH_ID", "x", "member_id", "m", "PLACEMENT", "CRM_DEAL_DETAIL_TAB"))
	require.NoError(t, err)
	_, err = a.Target()
	require.ErrorIs(t, err, bitrix.ErrMalformedRequest, "a tab without an ID")
}

func TestParseEventReadsDocumentedSamples(t *testing.T) {
	t.Parallel()
	e, err := bitrix.ParseEventRequest(postForm("/b24/events", sampleItemUpdate.Encode()))
	require.NoError(t, err)
	require.Equal(t, "ONCRMDYNAMICITEMUPDATE", e.Name)
	require.Equal(t, "42", e.HandlerID)
	id, err := e.FieldID()
	require.NoError(t, err)
	require.Equal(t, bitrix.ID(315), id)
	require.Equal(t, 31, e.EntityTypeID())
	require.Equal(t, time.Unix(1767226000, 0), e.TS)
	require.Equal(t, memberID, e.Auth.MemberID)
	require.NoError(t, e.Auth.VerifyApplicationToken(appToken))
	require.ErrorIs(t, e.Auth.VerifyApplicationToken(""), bitrix.ErrBadApplicationToken)
	require.ErrorIs(t, e.Auth.VerifyApplicationToken("other"), bitrix.ErrBadApplicationToken)

	u, err := bitrix.ParseEvent(sampleUninstall)
	require.NoError(t, err)
	require.Equal(t, "0", u.Data.Get("CLEAN"))
	require.Empty(t, u.Auth.AccessToken)
}

func TestParseEventTurnsAppInstallIntoCredentials(t *testing.T) {
	t.Parallel()
	e, err := bitrix.ParseEvent(sampleAppInstall)
	require.NoError(t, err)
	require.Equal(t, "Y", e.Data.Get("INSTALLED"))
	c := e.Auth.Credentials(time.Unix(0, 0))
	require.Equal(t, bitrix.Credentials{
		MemberID: memberID, ClientEndpoint: "https://acme.bitrix24.ru/rest/",
		ServerEndpoint:   "https://oauth.bitrix24.tech/rest/",
		AccessToken:      "8d2f0a6700773bd2006f1c3a00000001000007a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5",
		RefreshToken:     "7c1e896700773bd2006f1c3a0000000100000711223344556677889900aabbccdd",
		ExpiresAt:        time.Unix(1767229200, 0),
		ApplicationToken: appToken, Scope: "crm,placement,bizproc,pay_system,sale,im,user,userfieldconfig", UserID: 1,
	}, c)
	require.NoError(t, c.Validate())
}

func TestParseEventRejectsMalformedInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		mutate func(url.Values)
	}{
		{"NoEventName", func(v url.Values) { v.Del("event") }},
		{"NoMemberID", func(v url.Values) { v.Del("auth[member_id]") }},
		{"NoApplicationToken", func(v url.Values) { v.Del("auth[application_token]") }},
		{"UnclosedBracket", func(v url.Values) { v.Set("data[FIELDS[ID]", "1") }},
		{"TextAfterBracket", func(v url.Values) { v.Set("data[FIELDS]x", "1") }},
		{"TooDeep", func(v url.Values) { v.Set("data[a][b][c][d][e][f][g]", "1") }},
		{"LeadingBracket", func(v url.Values) { v.Set("[x]", "1") }},
		{"TimestampNotNumber", func(v url.Values) { v.Set("ts", "yesterday") }},
		{"UserIDNotNumber", func(v url.Values) { v.Set("auth[user_id]", "admin") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := url.Values{}
			for k, vals := range sampleItemUpdate {
				v[k] = append([]string(nil), vals...)
			}
			tc.mutate(v)
			_, err := bitrix.ParseEvent(v)
			require.ErrorIs(t, err, bitrix.ErrMalformedRequest)
		})
	}
	_, err := bitrix.ParseEventRequest(postForm("/e", "%zz"))
	require.ErrorIs(t, err, bitrix.ErrMalformedRequest)
	_, err = bitrix.ParseEventRequest(postForm("/e", strings.Repeat("a", 2<<20)))
	require.ErrorIs(t, err, bitrix.ErrMalformedRequest, "oversized body")
}

func TestParseRobotReadsTheDocumentedSample(t *testing.T) {
	t.Parallel()
	r, err := bitrix.ParseRobotRequest(postForm("/b24/robot/split", sampleRobot.Encode()))
	require.NoError(t, err)
	require.Equal(t, "split_invoice", r.Code)
	require.Equal(t, "681c894d3f0ec8.54818143", r.WorkflowID)
	require.Equal(t, []string{"crm", `Bitrix\Crm\Integration\BizProc\Document\SmartInvoice`, "SMART_INVOICE"}, r.DocumentType)
	require.Equal(t, "3", r.Property("parts"))
	require.Equal(t, "2026-02-01", r.Property("firstDue"))
	require.Equal(t, []string{"user_1", "user_7"}, r.Properties["users"])
	require.True(t, r.UseSubscription)
	require.Contains(t, r.EventToken, "|A36717_")
	require.Equal(t, "ref", r.Auth.RefreshToken)
	doc, err := r.Document()
	require.NoError(t, err)
	require.Equal(t, bitrix.Target{EntityTypeID: 31, ID: 315}, doc)
}

func TestParseDocumentIDCoversCRMTypes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want bitrix.Target
		ok   bool
	}{
		{"DEAL_123", bitrix.Target{EntityTypeID: 2, ID: 123}, true},
		{"LEAD_5", bitrix.Target{EntityTypeID: 1, ID: 5}, true},
		{"DYNAMIC_147_1", bitrix.Target{EntityTypeID: 147, ID: 1}, true},
		{"SMART_INVOICE_77", bitrix.Target{EntityTypeID: 31, ID: 77}, true},
		{"DEAL_", bitrix.Target{}, false},
		{"DEAL_0", bitrix.Target{}, false},
		{"TASK_5", bitrix.Target{}, false},
		{"DYNAMIC__1", bitrix.Target{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := bitrix.ParseDocumentID(tc.in)
			require.Equal(t, tc.ok, err == nil, "err %v", err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestParseRobotRejectsMalformedInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		mutate func(url.Values)
	}{
		{"NoEventTokenWhileWaiting", func(v url.Values) { v.Del("event_token") }},
		{"ShortDocumentID", func(v url.Values) { v.Del("document_id[2]") }},
		{"NoApplicationToken", func(v url.Values) { v.Del("auth[application_token]") }},
		{"NegativeTimeout", func(v url.Values) { v.Set("timeout_duration", "-5") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := url.Values{}
			for k, vals := range sampleRobot {
				v[k] = append([]string(nil), vals...)
			}
			tc.mutate(v)
			_, err := bitrix.ParseRobot(v)
			require.ErrorIs(t, err, bitrix.ErrMalformedRequest)
		})
	}
}
