package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/finance"
)

// managerFinanceToken is the finance token on the manager's (user 2) app page, "" without the role.
func (e *e2e) managerFinanceToken() string { return e.financeLinkToken(2) }

// The admin grants the finance role to the sales department: the manager, in a team below it, gets
// «Финансы»; taking the grant away closes the pages at once; the manager moved to another department
// in Bitrix24 loses the role once the cached departments expire (finance.DepartmentsTTL); a
// department granted «only their own» narrows its members to their own deals.
func TestFinanceRoleGrantedToADepartmentReachesTheTeamsBelowIt(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect)
		status, _ := e.install()
		require.Equal(t, http.StatusOK, status)
		sales := e.portal.AddDepartment("Отдел продаж", 1)
		north := e.portal.AddDepartment("Группа «Север»", sales)
		e.portal.SetUserDepartments(2, north)
		require.Empty(t, e.managerFinanceToken(), "no role yet")

		_, page := e.appPage(1)
		m := rolesAction.FindStringSubmatch(page)
		require.NotNil(t, m)
		admin, err := url.QueryUnescape(strings.ReplaceAll(m[1], "&amp;", "&"))
		require.NoError(t, err)
		status, page = e.post("/b24/finance/roles", admin, url.Values{"departments": {"отдел"}})
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, page, "«отдел» — не номер")
		status, page = e.post("/b24/finance/roles", admin, url.Values{"departments": {itoa(int64(sales))}})
		require.Equal(t, http.StatusOK, status, page)
		require.Contains(t, page, `name="departments" value="`+itoa(int64(sales))+`"`)

		manager := e.managerFinanceToken()
		require.NotEmpty(t, manager, "a member of a team below the granted department holds the role")
		status, page = e.get("/b24/finance", url.Values{"token": {manager}})
		require.Equal(t, http.StatusOK, status)
		require.NotContains(t, page, "Вам доступны только ваши сделки")

		status, _ = e.post("/b24/finance/roles", admin, url.Values{"departments": {""}})
		require.Equal(t, http.StatusOK, status)
		status, _ = e.get("/b24/finance", url.Values{"token": {manager}})
		require.Equal(t, http.StatusUnauthorized, status, "the grant taken away closes the pages at once")

		status, _ = e.post("/b24/finance/roles", admin, url.Values{"own_departments": {itoa(int64(sales))}})
		require.Equal(t, http.StatusOK, status)
		status, page = e.get("/b24/finance", url.Values{"token": {manager}})
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, page, "Вам доступны только ваши сделки", "the department sees only its own deals")

		e.portal.SetUserDepartments(2, 1) // moved out of sales in Bitrix24
		e.clock.Advance(finance.DepartmentsTTL)
		status, _ = e.get("/b24/finance", url.Values{"token": {manager}})
		require.Equal(t, http.StatusUnauthorized, status, "the move is seen within finance.DepartmentsTTL")
		require.Empty(t, e.managerFinanceToken())
	})
}
