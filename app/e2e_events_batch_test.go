package app

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/instalment"
)

// Item events of one portal are read back with one crm.item.list, each item once however often it
// changed.
func TestItemEventsAreReadTogetherAndEachItemOnce(t *testing.T) {
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

		first := toInt(items[1]["id"])
		for k := range 4 {
			require.NoError(t, e.portal.UserUpdateItem(prov.SPAEntityTypeID, first, map[string]any{"title": fmt.Sprint("правка ", k)}))
		}
		for seq := 1; seq <= 3; seq++ {
			require.NoError(t, e.portal.UserUpdateItem(prov.SPAEntityTypeID, toInt(items[seq]["id"]),
				map[string]any{"stageId": prov.Stages["paid"]}))
		}
		e.portal.Flush()
		var events int64
		require.NoError(t, e.db.Table("outbox").Where("topic = ? AND status = 'pending'", instalment.TopicEvent).Count(&events).Error)
		require.EqualValues(t, 7, events, "five events for the first item, one for each other")

		gets, lists := e.portal.Calls("crm.item.get"), e.portal.Calls("crm.item.list")
		did, err := e.app.outbox.RunOnce(context.Background())
		require.NoError(t, err)
		require.True(t, did)
		require.Equal(t, gets, e.portal.Calls("crm.item.get"), "no item is read alone")
		require.Equal(t, lists+1, e.portal.Calls("crm.item.list"), "seven events, three items, one read")
		var left int64
		require.NoError(t, e.db.Table("outbox").Where("topic = ? AND status = 'pending'", instalment.TopicEvent).Count(&left).Error)
		require.Zero(t, left)

		e.drain()
		var tab tabResponse
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tab))
		for _, in := range tab.Schedule.Instalments[:4] {
			require.Equal(t, map[bool]string{true: instalment.StatusPaid, false: instalment.StatusPlanned}[in.Seq <= 3], in.Status, "instalment %d", in.Seq)
		}
		e.requireNoDeadOutbox()
	})
}
