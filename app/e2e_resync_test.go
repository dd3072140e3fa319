package app

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/instalment"
	"b24pay/store"
)

// With 40 % of Bitrix24's events lost, the periodic re-sync still converges on the right state.
func TestResyncConvergesWhenEventsAreLost(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect)
		status, _ := e.install()
		require.Equal(t, http.StatusOK, status)
		token := e.openTab(e.dealID, 2)
		require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/schedule", twelveMonths(), nil))
		e.drain()
		prov := e.provisioned()
		items := e.spaItems()

		e.portal.DropEvents(0.4, 7)
		for seq := 1; seq <= 6; seq++ {
			require.NoError(t, e.portal.UserUpdateItem(prov.SPAEntityTypeID, toInt(items[seq]["id"]),
				map[string]any{"stageId": prov.Stages["paid"]}))
		}
		// An item deleted in Bitrix24 is re-created by the re-sync as well.
		require.NoError(t, e.portal.UserDeleteItem(prov.SPAEntityTypeID, toInt(items[12]["id"])))
		e.drain()
		require.Positive(t, e.portal.EventsDropped(), "the switch must actually drop events")

		require.NoError(t, e.app.resync(context.Background(), e.clock.Now()))
		e.drain()
		require.NoError(t, e.app.resync(context.Background(), e.clock.Now())) // idempotent
		e.drain()

		var tab tabResponse
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tab))
		for _, in := range tab.Schedule.Instalments {
			want := instalment.StatusPlanned
			if in.Seq <= 6 {
				want = instalment.StatusPaid
			}
			require.Equal(t, want, in.Status, "instalment %d", in.Seq)
			require.Equal(t, instalment.SyncSynced, in.Sync, "instalment %d", in.Seq)
		}
		require.Equal(t, "60000.00", tab.Schedule.Remaining)
		require.Equal(t, "60000.00|RUB", e.dealDebt())
		require.Len(t, e.spaItems(), 12)
		e.requireNoDeadOutbox()
	})
}

// A push whose answer was lost (items created, ids never stored) does not create the items twice.
func TestLostPushAnswerDoesNotDuplicateItems(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	status, _ := e.install()
	require.Equal(t, http.StatusOK, status)
	token := e.openTab(e.dealID, 2)
	var s scheduleResponse
	require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/schedule", twelveMonths(), &s))
	e.drain()
	before := e.spaItems()
	require.NoError(t, e.db.Exec("UPDATE instalments SET b24_item_id = NULL, b24_sync = 'pending'").Error)
	require.NoError(t, e.app.resync(context.Background(), e.clock.Now()))
	e.drain()
	after := e.spaItems()
	require.Len(t, after, 12)
	for seq, it := range before {
		require.Equal(t, it["id"], after[seq]["id"], "instalment %d kept its item", seq)
	}
	var tab tabResponse
	e.api(token, http.MethodGet, "/tab", nil, &tab)
	for _, in := range tab.Schedule.Instalments {
		require.Equal(t, toInt(before[in.Seq]["id"]), int(*in.ItemID))
	}
}
