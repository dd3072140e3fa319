package b24fake_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/bitrix/b24fake"
)

// The portal's refusals, as the docs describe them.

func TestUserFieldNamesFollowUFEntityIDRule(t *testing.T) {
	t.Parallel()
	b := setup(t)
	add := func(entity, name string) response {
		return b.call(t, "userfieldconfig.add", map[string]any{"moduleId": "crm", "field": map[string]any{
			"entityId": entity, "fieldName": name, "userTypeId": "string"}})
	}
	for _, name := range []string{"UF_CRM_B24PAY_DEBT", "uf_crm_deal_debt", "UF_CRM_DEAL_", "UF_CRM_DEAL_DÉBT",
		"UF_CRM_DEAL_" + strings.Repeat("X", 39)} {
		r := add("CRM_DEAL", name)
		r.failed(t, http.StatusBadRequest, "")
		require.Equal(t, "You cannot create custom fields", r.body["error_description"], name)
	}
	add("CRM_DEAL", "UF_CRM_DEAL_"+strings.Repeat("X", 38)).ok(t)
	add("CRM_DEAL", "UF_CRM_DEAL_B24PAY_DEBT").ok(t)
	dup := add("CRM_DEAL", "UF_CRM_DEAL_B24PAY_DEBT")
	dup.failed(t, http.StatusBadRequest, "")
	require.Equal(t, "Field UF_CRM_DEAL_B24PAY_DEBT already exists", dup.body["error_description"])
	add("CRM_COMPANY", "UF_CRM_COMPANY_B24PAY_TRUSTED").ok(t)
}

func TestUserFieldConfigNeedsTheModuleScope(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *b24fake.Options) { o.Scope = []string{"userfieldconfig"} })
	r := b.call(t, "userfieldconfig.list", map[string]any{"moduleId": "crm"})
	r.failed(t, http.StatusBadRequest, "")
	require.Equal(t, "The current method required more scopes. (crm)", r.body["error_description"])
}

func TestUserFieldListPagesByFifty(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for i := range 60 {
		require.NoError(t, b.p.AddUserField("CRM_DEAL", fmt.Sprintf("UF_CRM_DEAL_F%d", i), "string", false))
	}
	r := b.call(t, "userfieldconfig.list", map[string]any{"moduleId": "crm", "filter": map[string]any{"entityId": "CRM_DEAL"}})
	require.Len(t, list(t, obj(t, r.ok(t))["fields"]), 50)
	require.Equal(t, "50", fmt.Sprint(r.body["next"]))
}

func TestPersonTypesHaveTheDocumentedFieldsOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	types := list(t, obj(t, b.call(t, "sale.persontype.list", nil).ok(t))["personTypes"])
	require.NotEmpty(t, types)
	for _, pt := range types {
		keys := []string{}
		for k := range obj(t, pt) {
			keys = append(keys, k)
		}
		require.ElementsMatch(t, []string{"id", "name", "code", "sort", "active", "xmlId"}, keys)
	}
}

func TestStageAfterSuccessIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	typ := obj(t, b.call(t, "crm.type.add", map[string]any{"fields": map[string]any{"title": "P", "isStagesEnabled": "Y"}}).ok(t), "type")
	etid := num(t, typ["entityTypeId"])
	cat := obj(t, list(t, obj(t, b.call(t, "crm.category.list", map[string]any{"entityTypeId": etid}).ok(t))["categories"])[0])
	entity := fmt.Sprintf("DYNAMIC_%d_STAGE_%d", etid, num(t, cat["id"]))
	late := b.call(t, "crm.status.add", map[string]any{"fields": map[string]any{"ENTITY_ID": entity, "STATUS_ID": "LATE", "NAME": "Поздно", "SORT": 1000}})
	late.failed(t, http.StatusBadRequest, "")
	require.Equal(t, "Cannot create an intermediate stage after success", late.body["error_description"])
	b.call(t, "crm.status.add", map[string]any{"fields": map[string]any{"ENTITY_ID": entity, "STATUS_ID": "EARLY", "NAME": "Вовремя", "SORT": 35}}).ok(t)
	b.call(t, "crm.status.add", map[string]any{"fields": map[string]any{"ENTITY_ID": entity, "STATUS_ID": "EARLY", "NAME": "Снова", "SORT": 36}}).
		failed(t, http.StatusBadRequest, "")
}

func TestCheckoutPostsTheFormAndReadsOnlyA200(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var mu sync.Mutex
	var got []string
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		defer mu.Unlock()
		got = append(got, r.Header.Get("Content-Type"), r.PostForm.Get("KEY"), r.PostForm.Get("BX_SYSTEM_PARAMS[SUM]"))
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"PAYMENT_ERRORS":["Нет денег"]}`))
	}))
	t.Cleanup(srv.Close)
	b.call(t, "sale.paysystem.handler.add", map[string]any{"NAME": "X", "CODE": "x", "SETTINGS": map[string]any{
		"CODES":         map[string]any{"K": map[string]any{"NAME": "Ключ"}},
		"CHECKOUT_DATA": map[string]any{"ACTION_URI": srv.URL, "FIELDS": map[string]any{"KEY": map[string]any{"CODE": "K"}}}}}).ok(t)
	ps := b.call(t, "sale.paysystem.add", map[string]any{"NAME": "X", "PERSON_TYPE_ID": 1, "BX_REST_HANDLER": "x", "ACTIVE": "Y",
		"ENTITY_REGISTRY_TYPE": "ORDER", "SETTINGS": map[string]any{"K": map[string]any{"TYPE": "VALUE", "VALUE": "secret"}}}).ok(t)
	inv := b.addInvoice(t, map[string]any{"opportunity": 700, "isManualOpportunity": "Y"})
	pay, err := b.p.AddPayment(31, inv, "", num(t, ps))
	require.NoError(t, err)

	ans, err := b.p.Checkout(pay)
	require.NoError(t, err)
	mu.Lock()
	require.Equal(t, []string{"application/x-www-form-urlencoded", "secret", "700.00"}, got)
	status = http.StatusForbidden
	mu.Unlock()
	require.Equal(t, []string{"Нет денег"}, ans.Errors)

	ans, err = b.p.Checkout(pay)
	require.NoError(t, err)
	require.Equal(t, []string{"Error registering order in payment system"}, ans.Errors, "the body of a non-200 is never read")
}
