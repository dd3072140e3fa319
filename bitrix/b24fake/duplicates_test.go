package b24fake

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFindByCommMatchesEmailsAndPhonesPerType(t *testing.T) {
	t.Parallel()
	c := newConformancePortal(t)
	contact := withEntityID(c, 3, map[string]any{"name": "Иван", "email": []any{map[string]any{"VALUE": "Ivan@Example.ru", "VALUE_TYPE": "WORK"}},
		"phone": []any{map[string]any{"VALUE": "+7 (900) 123-45-67", "VALUE_TYPE": "WORK"}}})
	company := withEntityID(c, 4, map[string]any{"title": "ООО", "email": []any{map[string]any{"VALUE": "ivan@example.ru", "VALUE_TYPE": "WORK"}}})

	got := c.must("crm.duplicate.findbycomm", map[string]any{"type": "EMAIL", "values": []any{"ivan@example.ru"}})
	require.Equal(t, map[string]any{"CONTACT": []any{float64(contact)}, "COMPANY": []any{float64(company)}}, got)
	got = c.must("crm.duplicate.findbycomm", map[string]any{"type": "PHONE", "entity_type": "CONTACT", "values": []any{"79001234567"}})
	require.Equal(t, map[string]any{"CONTACT": []any{float64(contact)}}, got)
	got = c.must("crm.duplicate.findbycomm", map[string]any{"type": "EMAIL", "entity_type": "LEAD", "values": []any{"ivan@example.ru"}})
	require.Equal(t, []any{}, got, "no match: an empty array")

	status, out := c.raw("crm.duplicate.findbycomm", map[string]any{"type": "FAX", "values": []any{"1"}})
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "Communication type 'FAX' is not supported in current context", out["error"])
	status, out = c.raw("crm.duplicate.findbycomm", map[string]any{"type": "EMAIL"})
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "Communication values is not defined", out["error"])
}

func withEntityID(c *conformancePortal, etid int, fields map[string]any) int {
	req := map[string]any{}
	withEntity(etid, fields)(c, req)
	return req["id"].(int)
}
