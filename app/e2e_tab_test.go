package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/instalment"
	"b24pay/portal"
)

type tabResponse struct {
	Owner struct {
		Title  string `json:"title"`
		Amount string `json:"amount"`
		Client *struct {
			Name    string `json:"name"`
			INN     string `json:"inn"`
			KPP     string `json:"kpp"`
			Address string `json:"address"`
		} `json:"client"`
	} `json:"owner"`
	Schedule *instalment.View `json:"schedule"`
}

type scheduleResponse struct {
	Schedule *instalment.View `json:"schedule"`
}

func twelveMonths() map[string]any {
	return map[string]any{"scheme": "equal", "total": "120000.00", "currency": "RUB", "count": 12,
		"period": map[string]any{"unit": "month", "every": 1}, "first": "2026-12-22"}
}

// spaItems returns our smart-process items keyed by instalment number.
func (e *e2e) spaItems() map[int]map[string]any {
	prov := e.provisioned()
	out := map[int]map[string]any{}
	for _, it := range e.portal.Items(prov.SPAEntityTypeID) {
		n := fmt.Sprint(it[prov.FieldName("NUMBER")])
		var seq int
		fmt.Sscan(n, &seq)
		out[seq] = it
	}
	return out
}

func (e *e2e) dealDebt() string {
	deal, ok := e.portal.Item(2, e.dealID)
	require.True(e.t, ok)
	// crm.item name of UF_CRM_DEAL_B24PAY_DEBT (letters and digits mixed: the "simplified" conversion, §8.1)
	return fmt.Sprint(deal["ufCrm_DEAL_B24PAY_DEBT"])
}

func (e *e2e) counts() (types, placements, bindings int) {
	var list struct {
		Types []any `json:"types"`
	}
	e.decode(e.rest("crm.type.list", map[string]any{}), &list)
	return len(list.Types), len(e.portal.Placements()), len(e.portal.EventBindings())
}

func (e *e2e) decode(raw []byte, out any) {
	e.t.Helper()
	require.NoError(e.t, json.Unmarshal(raw, out))
}

// TestInstallTabSchedulePayRemindUninstall drives issue 5 end to end against the fake portal.
func TestInstallTabSchedulePayRemindUninstall(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect)
		ctx := context.Background()

		// Install, then install again: nothing is created twice.
		status, body := e.install()
		require.Equal(t, http.StatusOK, status, body)
		require.Contains(t, body, "installFinish")
		types, placements, bindings := e.counts()
		require.Equal(t, 2, types, "«Платежи по графику» and «Платежи компании»")
		require.Equal(t, 4, placements, "deal, lead, contact and company tabs")
		require.Equal(t, len(portal.EventNames), bindings)
		prov := e.provisioned()
		require.Len(t, prov.Stages, 6)
		status, body = e.install()
		require.Equal(t, http.StatusOK, status, body)
		t2, p2, b2 := e.counts()
		require.Equal(t, []int{types, placements, bindings}, []int{t2, p2, b2}, "re-install duplicated something")
		require.Equal(t, prov, e.provisioned())

		// The manager opens the tab: deal and client (synced with requisites).
		token := e.openTab(e.dealID, 2)
		var tab tabResponse
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tab))
		require.Equal(t, "Поставка оборудования", tab.Owner.Title)
		require.Equal(t, "120000.00", tab.Owner.Amount)
		require.NotNil(t, tab.Owner.Client)
		require.Equal(t, "7707083893", tab.Owner.Client.INN)
		require.Equal(t, "770701001", tab.Owner.Client.KPP)
		require.Nil(t, tab.Schedule)

		// Preview, then a wrong plan, then save 12 instalments.
		var preview struct {
			Payments []struct{ Amount string } `json:"payments"`
		}
		require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, "/preview", twelveMonths(), &preview))
		require.Len(t, preview.Payments, 12)
		require.Equal(t, "10000.00", preview.Payments[0].Amount)
		bad := twelveMonths()
		bad["count"] = 0
		var verr struct {
			Fields []struct{ Field, Message string } `json:"fields"`
		}
		require.Equal(t, http.StatusUnprocessableEntity, e.api(token, http.MethodPost, "/preview", bad, &verr))
		require.NotEmpty(t, verr.Fields)
		require.Equal(t, "count", verr.Fields[0].Field)

		var saved scheduleResponse
		require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/schedule", twelveMonths(), &saved))
		require.True(t, saved.Schedule.Syncing)
		require.Equal(t, http.StatusConflict, e.api(token, http.MethodPost, "/schedule", twelveMonths(), nil))
		e.drain()
		items := e.spaItems()
		require.Len(t, items, 12)
		require.Equal(t, prov.Stages["planned"], items[1]["stageId"])
		require.EqualValues(t, e.dealID, items[1]["parentId2"])
		require.Equal(t, "120000.00|RUB", e.dealDebt())
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tab))
		require.False(t, tab.Schedule.Syncing)
		for _, in := range tab.Schedule.Instalments {
			require.Equal(t, instalment.SyncSynced, in.Sync, "instalment %d", in.Seq)
			require.NotNil(t, in.ItemID)
		}

		// A manager moves instalment 1 to «Оплачен» in Bitrix24.
		historyBefore := len(tab.Schedule.History)
		first := items[1]
		require.NoError(t, e.portal.UserUpdateItem(prov.SPAEntityTypeID, toInt(first["id"]), map[string]any{"stageId": prov.Stages["paid"]}))
		e.drain()
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tab))
		require.Equal(t, instalment.StatusPaid, tab.Schedule.Instalments[0].Status)
		require.Equal(t, "10000.00", tab.Schedule.Instalments[0].Paid)
		require.Equal(t, "110000.00", tab.Schedule.Remaining)
		require.Equal(t, "110000.00|RUB", e.dealDebt())
		require.Equal(t, historyBefore+1, len(tab.Schedule.History), "our own write-back must not loop into another change")
		item1, _ := e.portal.Item(prov.SPAEntityTypeID, toInt(first["id"]))
		require.True(t, decimal.RequireFromString(fmt.Sprint(item1[prov.FieldName("PAID")])).Equal(decimal.NewFromInt(10000)),
			"paid amount written back to the item: %v", item1[prov.FieldName("PAID")])

		// Reminder three days before instalment 2 (due 2027-01-22), twice: one notification.
		e.clock.Set(time.Date(2027, 1, 19, 6, 0, 0, 0, time.UTC))
		require.NoError(t, e.app.instalments.RunReminders(ctx, e.clock.Now()))
		require.NoError(t, e.app.instalments.RunReminders(ctx, e.clock.Now()))
		e.drain()
		notes := e.portal.Notifications(2)
		require.Len(t, notes, 1)
		require.Contains(t, notes[0].Message, "№2")

		// The day after its due date instalment 2 is overdue, in Bitrix24 too, notified once.
		e.clock.Set(time.Date(2027, 1, 23, 6, 0, 0, 0, time.UTC))
		require.NoError(t, e.app.instalments.RunReminders(ctx, e.clock.Now()))
		require.NoError(t, e.app.instalments.RunReminders(ctx, e.clock.Now()))
		e.drain()
		require.Len(t, e.portal.Notifications(2), 2)
		require.Contains(t, e.portal.Notifications(2)[1].Message, "просрочен")
		item2, _ := e.portal.Item(prov.SPAEntityTypeID, toInt(items[2]["id"]))
		require.Equal(t, prov.Stages["overdue"], item2["stageId"])

		// Uninstall: tokens wiped, data kept.
		require.NoError(t, e.portal.SendAppUninstall(e.url+"/b24/events", false))
		p, err := e.app.portals.Get(ctx, e.portal.MemberID())
		require.NoError(t, err)
		require.Equal(t, portal.StatusUninstalled, p.Status)
		require.Empty(t, p.AccessToken)
		require.Empty(t, p.RefreshToken)
		var n int64
		require.NoError(t, e.db.Table("instalments").Count(&n).Error)
		require.EqualValues(t, 12, n)
		e.clock.Set(time.Date(2027, 1, 23, 6, 5, 0, 0, time.UTC))
		require.Equal(t, http.StatusUnauthorized, e.sendPlacement(e.dealID, 2))
		e.requireNoDeadOutbox()
	})
}

func (e *e2e) sendPlacement(dealID, userID int) int {
	action, fields := e.PlacementForm(dealID, userID)
	req, _ := http.NewRequest(http.MethodPost, action, strings.NewReader(fields.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, _ := e.send(req)
	return status
}
