package app

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/instalment"
	"b24pay/outbox"
	"b24pay/store"
)

// requireConformanceRows fails when the app called a method of the fake that has no row in the
// conformance table (bitrix/b24fake/testdata/conformance), the docs-checked list of what we call.
func (e *e2e) requireConformanceRows() {
	e.t.Helper()
	files, err := filepath.Glob("../bitrix/b24fake/testdata/conformance/*.json")
	require.NoError(e.t, err)
	rows := map[string]bool{}
	for _, f := range files {
		var row struct {
			Method string `json:"method"`
		}
		raw, err := os.ReadFile(f)
		require.NoError(e.t, err)
		require.NoError(e.t, json.Unmarshal(raw, &row))
		rows[row.Method] = true
	}
	seeding := map[string]bool{"crm.requisite.add": true, "crm.address.add": true} // newE2E's own set-up calls
	for _, m := range e.portal.CalledMethods() {
		require.True(e.t, rows[m] || seeding[m], "the app called %s, which has no conformance row", m)
	}
}

// The portal's codeless errors (HTTP 400, "error": "" or 0, reason as text) are classified as the
// docs' error tables describe them.
func TestDebtWriteToADeletedDealIsDroppedAsPermanent(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	token := e.openTab(e.dealID, 2)
	require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/schedule", twelveMonths(), nil))
	e.drain()

	require.NoError(t, e.portal.UserDeleteItem(2, e.dealID))
	e.portal.Flush()
	require.NoError(t, outbox.Enqueue(e.db.DB, e.clock.Now(), outbox.Message{Topic: instalment.TopicDealDebt,
		MemberID: e.portal.MemberID(), Payload: map[string]any{"deal_id": e.dealID}}))
	_, err := e.app.outbox.Drain(context.Background())
	require.NoError(t, err)
	var row struct {
		Status   string
		Attempts int
	}
	require.NoError(t, e.db.Table("outbox").Where("topic = ?", "b24.deal.debt").Order("id DESC").Limit(1).
		Select("status, attempts").Scan(&row).Error)
	require.Equal(t, "dead", row.Status, "crm.deal.update answered \"Not found\": retrying cannot help")
	require.Equal(t, 1, row.Attempts)
	e.requireConformanceRows()
}

func TestClientSyncSkipsRequisitesTheUserMayNotRead(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	e.portal.DenyAccess("crm.requisite.list", true) // {"error": 0, "error_description": "Access denied."}
	token := e.openTab(e.dealID, 2)
	var tab struct {
		Owner instalment.OwnerInfo `json:"owner"`
	}
	require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tab))
	require.NotNil(t, tab.Owner.Client, "the client is synced without its requisites")
	require.Equal(t, "ООО «Ромашка»", tab.Owner.Client.Name)
	require.Empty(t, tab.Owner.Client.INN)
	e.requireConformanceRows()
}
