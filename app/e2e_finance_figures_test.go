package app

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/store"
)

var (
	figureCard = regexp.MustCompile(`<a class="card-value" href="([^"]+)" data-test="([^"]+)">`)
	figureBar  = regexp.MustCompile(`<a class="bar-value" href="([^"]+)">`)
)

// follow opens a drill-down link of the finance page and returns the list it shows.
func (e *e2e) follow(href string) string {
	e.t.Helper()
	require.Contains(e.t, href, "view=figure")
	status, page := e.get("/b24/finance", mustQuery(e.t, href))
	require.Equal(e.t, http.StatusOK, status, href)
	require.Regexp(e.t, `data-test="(figure-instalments|figure-money|outgoing-calendar)"`, page, href)
	return page
}

// Every figure and every bar of the finance page links to the list of rows behind it, and the lists
// open the Bitrix24 cards: deals for the incoming side, «Платежи компании» items for the outgoing one.
// The first instalment is paid early (on time), the second is left unpaid past its due date (late).
func TestEveryFinanceFigureLinksToTheRowsBehindIt(t *testing.T) {
	t.Parallel()
	e := newE2E(t, store.SQLite)
	financeWorld(t, e)
	prov := e.provisioned()
	require.NoError(t, e.portal.UserUpdateItem(prov.SPAEntityTypeID, toInt(e.spaItems()[1]["id"]),
		map[string]any{"stageId": prov.Stages["paid"]}))
	e.drain()
	e.clock.Advance(62 * 24 * time.Hour) // 23 January: 22 December and 22 January are past
	admin := e.financeToken()

	status, page := e.get("/b24/finance", url.Values{"token": {admin}})
	require.Equal(t, http.StatusOK, status, page)
	require.Equal(t, "50 % (1 из 2)", figure(t, page, "on-time"))
	cards := figureCard.FindAllStringSubmatch(page, -1)
	require.Len(t, cards, 10, "every figure of the overview is a link")
	lists := map[string]string{}
	for _, m := range cards {
		lists[m[2]] = e.follow(m[1])
	}
	deal := "/crm/deal/details/" + itoa(int64(e.dealID)) + "/"
	require.Equal(t, 11, strings.Count(lists["receivable"], deal), "eleven instalments still owed, each opening the deal")
	require.Equal(t, 1, strings.Count(lists["overdue"], deal))
	require.Equal(t, 1, strings.Count(lists["on-time"], deal))
	require.Contains(t, lists["on-time"], "2026-11-22", "the day it was paid")
	require.Equal(t, 1, strings.Count(lists["late"], deal))
	bars := map[string]int{}
	for _, m := range figureBar.FindAllStringSubmatch(page, -1) {
		fig := mustQuery(t, m[1]).Get("fig")
		bars[fig[:strings.IndexAny(fig, "-")]]++
		e.follow(m[1])
	}
	require.Equal(t, map[string]int{"aging": 4, "forecast": 10, "collected": 12}, bars,
		"every bar links: the aging buckets, the ten months still to pay and the money collected")

	status, page = e.get("/b24/finance", url.Values{"token": {admin}, "view": {"outgoing"}})
	require.Equal(t, http.StatusOK, status)
	cards = figureCard.FindAllStringSubmatch(page, -1)
	require.Len(t, cards, 3)
	item := regexp.MustCompile(`/crm/type/` + itoa(int64(prov.CompanyPayments.EntityTypeID)) + `/details/\d+/`)
	for _, m := range cards {
		list := e.follow(m[1])
		if m[2] == "out-remaining" { // paid in November, due again in February: nothing paid or due this January
			require.Regexp(t, item, list, m[2])
		}
	}

	status, _ = e.get("/b24/finance", url.Values{"token": {admin}, "view": {"figure"}, "fig": {"aging-9"}})
	require.Equal(t, http.StatusNotFound, status)
}
