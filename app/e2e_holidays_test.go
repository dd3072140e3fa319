package app

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func (e *e2e) postHolidays(path string, form url.Values) (int, string) {
	e.t.Helper()
	// The token rides in the action URL, like the payment settings form's.
	token := form.Get("token")
	form.Del("token")
	resp, err := http.Post(e.url+"/b24/settings/holidays"+path+"?token="+url.QueryEscape(token), "application/x-www-form-urlencoded",
		strings.NewReader(form.Encode()))
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The administrator adds the 2029 decree's transfer on the settings page; business-day plans of the
// portal then skip the new day off, and the tab says why a date moved.
func TestAdminAddsNextYearsDecreeOnTheSettingsPage(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect)
		status, _ := e.install()
		require.Equal(t, http.StatusOK, status)
		tab := e.openTab(e.dealID, 2)

		_, managerPage := e.appPage(2)
		require.NotContains(t, managerPage, "Производственный календарь")
		_, adminPage := e.appPage(1)
		require.Contains(t, adminPage, "Производственный календарь")
		admin := settingsToken.FindStringSubmatch(adminPage)[1]

		// Only the signed admin token of the settings page is accepted.
		for _, token := range []string{"", tab} {
			status, _ := e.postHolidays("", url.Values{"token": {token}, "hol_from": {"2029-01-06"}, "hol_to": {"2029-12-31"}})
			require.Equal(t, http.StatusUnauthorized, status)
		}
		// Problems are shown next to their fields, and the values entered are kept.
		status, page := e.postHolidays("", url.Values{"token": {admin}, "hol_from": {"2029-01-09"}})
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, page, "Укажите дату")
		status, page = e.postHolidays("", url.Values{"token": {admin}, "hol_from": {"2029-01-09"}, "hol_to": {"30.12.2029"}})
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, page, "укажите субботу или воскресенье")
		require.Contains(t, page, `value="2029-01-09"`)

		preview := func() map[string]any {
			var out struct{ Payments []map[string]any }
			plan := map[string]any{"scheme": "full", "total": "1000.00", "currency": "RUB", "first": "2029-12-31", "business_days": true}
			require.Equal(t, http.StatusOK, e.api(tab, http.MethodPost, "/preview", plan, &out))
			return out.Payments[0]
		}
		require.Equal(t, "2029-12-31", preview()["due"], "no decree for 2029 yet: 31 December is a working Monday")

		status, page = e.postHolidays("", url.Values{"token": {admin}, "hol_from": {"06.01.2029"}, "hol_to": {"2029-12-31"},
			"hol_note": {"Постановление № 1 от 01.10.2028"}})
		require.Equal(t, http.StatusOK, status, page)
		require.Contains(t, page, "Перенос добавлен: выходной 06.01.2029 переносится на 31.12.2029.")
		require.Contains(t, page, "Постановление № 1 от 01.10.2028")
		row := preview()
		require.Equal(t, "2030-01-09", row["due"])
		require.Equal(t, "перенесено с 31.12.2029 — перенесённый выходной", row["shift_note"])

		status, page = e.postHolidays("", url.Values{"token": {admin}, "hol_from": {"2029-01-07"}, "hol_to": {"2029-12-31"}})
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, page, "эта дата уже указана в другом переносе")

		// A stored schedule keeps the shift and its reason.
		plan := map[string]any{"scheme": "equal", "total": "120000.00", "currency": "RUB", "count": 2,
			"period": map[string]any{"unit": "year", "every": 1}, "first": "2029-01-01", "business_days": true}
		var created scheduleResponse
		require.Equal(t, http.StatusCreated, e.api(tab, http.MethodPost, "/schedule", plan, &created))
		first := created.Schedule.Instalments[0]
		require.Equal(t, "2029-01-09", first.Due)
		require.Equal(t, "перенесено с 01.01.2029 — праздник", first.ShiftNote)

		// Deleting the transfer gives 31 December back.
		var id int64
		require.NoError(t, e.db.Table("holiday_transfers").Pluck("id", &id).Error)
		status, page = e.postHolidays("/delete", url.Values{"token": {admin}, "id": {itoa(id)}})
		require.Equal(t, http.StatusOK, status, page)
		require.Contains(t, page, "Перенос удалён.")
		require.Equal(t, "2029-12-31", preview()["due"])
	})
}
