package app

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/store"
)

func TestLeadTabBuildsScheduleLinkedToLeadAndContact(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	lead, contact, action, fields := e.leadTab(map[string]any{"NAME": "Пётр", "LAST_NAME": "Сидоров"})
	require.Equal(t, http.StatusOK, postForm(t, action, fields))
	token := e.openTabAt(action, fields)
	var tab tabResponse
	require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tab))
	require.Equal(t, "Заявка с сайта", tab.Owner.Title)
	require.Equal(t, "Пётр Сидоров", tab.Owner.Client.Name)

	plan := map[string]any{"scheme": "custom", "total": "30000.00", "currency": "RUB",
		"rows": []map[string]any{{"due": "2026-12-01", "percent": "50"}, {"due": "2027-01-01", "percent": "50"}}}
	require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/schedule", plan, nil))
	e.drain()
	prov := e.provisioned()
	items := e.portal.Items(prov.SPAEntityTypeID)
	require.Len(t, items, 2)
	for _, it := range items {
		require.EqualValues(t, lead, toInt(it["parentId1"]))
		require.Equal(t, []int{contact}, ids(it["contactIds"]))
	}
}

func TestAppPageSummarisesThePortal(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	token := e.openTab(e.dealID, 2)
	require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/schedule", twelveMonths(), nil))
	req, err := e.portal.AppPageRequest(e.url+"/b24/app", "", nil, 2)
	require.NoError(t, err)
	status, body := e.send(req)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `data-test="schedules">1<`)
	require.Contains(t, body, `data-test="instalments">12<`)
	require.Contains(t, body, "120\u00a0000,00")
}

// leadTab adds a lead of 30 000 ₽ for a new contact with the given fields and returns the lead,
// the contact and the placement form of the lead's tab.
func (e *e2e) leadTab(contactFields map[string]any) (lead, contact int, action string, fields url.Values) {
	e.t.Helper()
	contact, err := e.portal.AddItem(3, contactFields)
	require.NoError(e.t, err)
	lead, err = e.portal.AddItem(1, map[string]any{"TITLE": "Заявка с сайта", "OPPORTUNITY": "30000", "CURRENCY_ID": "RUB",
		"CONTACT_ID": contact, "ASSIGNED_BY_ID": 2})
	require.NoError(e.t, err)
	action, fields = e.PlacementForm(lead, 2)
	fields.Set("PLACEMENT", "CRM_LEAD_DETAIL_TAB")
	return lead, contact, action, fields
}
