package app

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/robots"
)

// splitInvoice adds a smart invoice of the e2e deal with three rows (22 %, 10 %, no VAT).
func (e *e2e) splitInvoice() int {
	e.t.Helper()
	inv, err := e.portal.AddItem(31, map[string]any{"title": "Счёт на оборудование", "currencyId": "RUB", "parentId2": e.dealID})
	require.NoError(e.t, err)
	e.rest("crm.item.productrow.set", map[string]any{"ownerType": "SI", "ownerId": inv, "productRows": []map[string]any{
		{"productName": "Станок", "price": "100000.00", "quantity": 1, "taxRate": 22, "taxIncluded": "Y"},
		{"productName": "Книга", "price": "333.33", "quantity": 3, "taxRate": 10, "taxIncluded": "Y"},
		{"productName": "Доставка", "price": "1500.01", "quantity": 1}}})
	return inv
}

// robotForm is a split robot call as Bitrix24 posts it, with the given application token.
func (e *e2e) robotForm(token string, invoice int, appToken, memberID string) url.Values {
	access, _ := e.portal.InstallTokens()
	return url.Values{"workflow_id": {"wf-forged"}, "code": {robots.SplitCode}, "event_token": {token}, "use_subscription": {"Y"},
		"document_id[0]": {"crm"}, "document_id[1]": {`Bitrix\Crm\Integration\BizProc\Document\SmartInvoice`},
		"document_id[2]": {fmt.Sprintf("SMART_INVOICE_%d", invoice)}, "properties[Parts]": {"7"},
		"auth[access_token]": {access}, "auth[domain]": {e.portal.Domain()}, "auth[member_id]": {memberID},
		"auth[application_token]": {appToken}, "auth[user_id]": {"1"}}
}

func TestE2ERobotSplitsAnInvoiceFromABusinessProcess(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect)
		code, body := e.install()
		require.Equal(t, http.StatusOK, code, body)
		e.install() // re-install: the robot is updated, not added twice
		regs := e.portal.Robots()
		require.Len(t, regs, 1)
		require.Equal(t, robots.SplitCode, regs[0].Code)
		require.Equal(t, e.url+"/b24/robot/split", regs[0].Handler)
		require.Equal(t, "Y", regs[0].UseSubscription)
		require.Equal(t, 1, regs[0].AuthUserID, "the installing admin")
		require.Contains(t, regs[0].ReturnProperties, robots.RetInvoiceIDs)

		inv := e.splitInvoice()
		token, err := e.portal.RunRobot(robots.SplitCode, [3]string{"crm", `Bitrix\Crm\Integration\BizProc\Document\SmartInvoice`,
			fmt.Sprintf("SMART_INVOICE_%d", inv)}, map[string]string{"Parts": "7", "Period": "month", "FirstDate": "2026-12-15"})
		require.NoError(t, err)
		e.drain()
		e.requireNoDeadOutbox()
		reply, ok := e.portal.RobotReply(token)
		require.True(t, ok)
		require.Equal(t, "", reply.ReturnValues[robots.RetErrorText])
		require.Len(t, reply.ReturnValues[robots.RetInvoiceIDs], 7)

		tab := e.openTab(e.dealID, 2) // the parts are the deal's schedule, shown in its tab
		var view struct {
			Schedule struct {
				Scheme      string `json:"scheme"`
				Instalments []struct {
					Amount string `json:"amount"`
				} `json:"instalments"`
			} `json:"schedule"`
		}
		require.Equal(t, http.StatusOK, e.api(tab, "GET", "/schedule", nil, &view))
		require.Equal(t, "split", view.Schedule.Scheme)
		require.Len(t, view.Schedule.Instalments, 7)
	})
}

func TestE2EForgedRobotCallChangesNothing(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect)
		code, _ := e.install()
		require.Equal(t, http.StatusOK, code)
		inv := e.splitInvoice()
		cases := []struct {
			name string
			form url.Values
		}{
			{"WrongApplicationToken", e.robotForm("tok-1", inv, "forged-token", e.portal.MemberID())},
			{"NoApplicationToken", e.robotForm("tok-2", inv, "", e.portal.MemberID())},
			{"OtherPortal", e.robotForm("tok-3", inv, e.portal.ApplicationToken(), "ffffffffffff")},
		}
		for _, tc := range cases {
			resp, err := http.PostForm(e.url+"/b24/robot/split", tc.form)
			require.NoError(t, err, tc.name)
			resp.Body.Close()
			require.NotEqual(t, http.StatusOK, resp.StatusCode, tc.name)
		}
		e.drain()
		var runs int64
		require.NoError(t, e.db.Table("split_runs").Count(&runs).Error)
		require.Zero(t, runs, "nothing stored")
		require.Equal(t, 0, e.portal.Calls("crm.item.add"), "nothing created")

		resp, err := http.PostForm(e.url+"/b24/robot/split", e.robotForm("tok-4", inv, e.portal.ApplicationToken(), e.portal.MemberID()))
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, "the same call with the right token is accepted")
		require.NoError(t, e.db.Table("split_runs").Count(&runs).Error)
		require.EqualValues(t, 1, runs)
	})
}
