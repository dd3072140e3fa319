package b24fake_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// crm-deal-get.md, "Possible Error Codes": a user without read permission gets 400 with an empty
// code and "Access denied"; other users still read the deal.
func TestDenyReadAnswersAccessDeniedToThatUserOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.call(t, "crm.deal.add", map[string]any{"fields": map[string]any{"TITLE": "Сделка"}}).ok(t)
	lead := b.call(t, "crm.lead.add", map[string]any{"fields": map[string]any{"TITLE": "Лид"}}).ok(t)
	deal, _ := id.(json.Number).Int64()
	b.p.DenyRead(2, 2, int(deal))
	manager, _ := b.p.TokensFor(2)

	r := b.callAs(t, manager, "crm.deal.get", map[string]any{"id": id})
	require.Equal(t, 400, r.status)
	require.Equal(t, "", r.body["error"])
	require.Equal(t, "Access denied", r.body["error_description"])
	b.call(t, "crm.deal.get", map[string]any{"id": id}).ok(t)                  // the admin still reads it
	b.callAs(t, manager, "crm.lead.get", map[string]any{"id": lead}).ok(t)     // and the manager the rest
	r = b.callAs(t, manager, "crm.deal.get", map[string]any{"id": deal + 100}) // a missing deal stays "Not found"
	require.Equal(t, "Not found", r.body["error_description"])
}
