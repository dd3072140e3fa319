package b24fake_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSmartProcessWithUserFields(t *testing.T) {
	t.Parallel()
	b := setup(t)
	typ := obj(t, b.call(t, "crm.type.add", map[string]any{"fields": map[string]any{"title": "Платежи", "isAutomationEnabled": "Y",
		"relations": map[string]any{"parent": []any{map[string]any{"entityTypeId": 2, "isChildrenListEnabled": "true"}}}}}).ok(t), "type")
	typeID, etid := num(t, typ["id"]), num(t, typ["entityTypeId"])
	require.NotEqual(t, typeID, etid)
	require.GreaterOrEqual(t, etid, 128)

	b.call(t, "userfieldconfig.add", map[string]any{"moduleId": "crm", "field": map[string]any{
		"entityId": fmt.Sprint("CRM_", etid), "fieldName": fmt.Sprintf("UF_CRM_%d_AMOUNT", etid), "userTypeId": "double"}}).failed(t, 400, "")
	for _, f := range []struct{ name, typ string }{{"DUE_DATE", "date"}, {"AMOUNT", "double"}, {"5186744711", "string"}, {"DIGIT10", "string"}} {
		b.call(t, "userfieldconfig.add", map[string]any{"moduleId": "crm", "field": map[string]any{
			"entityId": fmt.Sprint("CRM_", typeID), "fieldName": fmt.Sprintf("UF_CRM_%d_%s", typeID, f.name), "userTypeId": f.typ,
			"editFormLabel": map[string]any{"ru": "Поле"}}}).ok(t)
	}
	fields := obj(t, b.call(t, "crm.item.fields", map[string]any{"entityTypeId": etid}).ok(t), "fields")
	for camel, upper := range map[string]string{
		fmt.Sprintf("ufCrm%dDueDate", typeID):     fmt.Sprintf("UF_CRM_%d_DUE_DATE", typeID),
		fmt.Sprintf("ufCrm%d_5186744711", typeID): fmt.Sprintf("UF_CRM_%d_5186744711", typeID),
		fmt.Sprintf("ufCrm_%d_DIGIT10", typeID):   fmt.Sprintf("UF_CRM_%d_DIGIT10", typeID),
	} {
		require.Equal(t, upper, obj(t, fields[camel])["upperName"], camel)
	}
	due, amount := fmt.Sprintf("ufCrm%dDueDate", typeID), fmt.Sprintf("ufCrm%dAmount", typeID)
	item := obj(t, b.call(t, "crm.item.add", map[string]any{"entityTypeId": etid, "fields": map[string]any{
		"title": "Платёж 1", due: "2026-03-31", amount: "1500.50", "parentId2": 7, "ufCrmTypo": "ignored"}}).ok(t), "item")
	require.Equal(t, "2026-03-31T00:00:00+03:00", item[due])
	require.Equal(t, json.Number("1500.5"), item[amount])
	require.Equal(t, json.Number("7"), item["parentId2"])
	require.Equal(t, fmt.Sprintf("DT%d_%s:NEW", etid, rawJSON(t, item["categoryId"])), item["stageId"])

	orig := obj(t, b.call(t, "crm.item.get", map[string]any{"entityTypeId": etid, "id": item["id"], "useOriginalUfNames": "Y"}).ok(t), "item")
	require.Equal(t, "2026-03-31T00:00:00+03:00", orig[fmt.Sprintf("UF_CRM_%d_DUE_DATE", typeID)])
	b.call(t, "crm.item.update", map[string]any{"entityTypeId": etid, "id": item["id"], "useOriginalUfNames": "Y",
		"fields": map[string]any{fmt.Sprintf("UF_CRM_%d_AMOUNT", typeID): 99}}).ok(t)

	children := obj(t, b.call(t, "crm.item.list", map[string]any{"entityTypeId": etid, "filter": map[string]any{"=parentId2": 7}}).ok(t))
	require.Len(t, list(t, children["items"]), 1)
	require.Equal(t, json.Number("99"), obj(t, list(t, children["items"])[0])[amount])

	types := obj(t, b.call(t, "crm.type.list", nil).ok(t))
	require.Len(t, list(t, types["types"]), 1)
}

func TestInvoiceStagesAndCategories(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *optionsAlias) { o.InvoiceCategoryID = 5 })
	cats := list(t, obj(t, b.call(t, "crm.category.list", map[string]any{"entityTypeId": 31}).ok(t))["categories"])
	require.Equal(t, json.Number("5"), obj(t, cats[0])["id"])
	require.Equal(t, "Y", obj(t, cats[0])["isDefault"])
	rows := list(t, b.call(t, "crm.status.list", map[string]any{"filter": map[string]any{"ENTITY_ID": "SMART_INVOICE_STAGE_5"}}).ok(t))
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprint(obj(t, r)["STATUS_ID"], "/", obj(t, r)["SEMANTICS"]))
	}
	require.Equal(t, []string{"DT31_5:N/<nil>", "DT31_5:S/<nil>", "DT31_5:P/S", "DT31_5:D/F"}, got)
	id := b.addInvoice(t, nil)
	item, _ := b.p.Item(31, id)
	require.Equal(t, "DT31_5:N", item["stageId"])
	b.call(t, "crm.item.update", map[string]any{"entityTypeId": 31, "id": id, "fields": map[string]any{"stageId": "DT31_1:P"}}).failed(t, 400, "CRM_FIELD_ERROR_VALUE_NOT_VALID")
	b.call(t, "crm.status.add", map[string]any{"fields": map[string]any{"ENTITY_ID": "SMART_INVOICE_STAGE_5", "STATUS_ID": "UC_SPLIT", "NAME": "Разбит", "SORT": 60, "SEMANTICS": "F"}}).ok(t)
	b.call(t, "crm.item.update", map[string]any{"entityTypeId": 31, "id": id, "fields": map[string]any{"stageId": "DT31_5:UC_SPLIT"}}).ok(t)
}

// crm-status-update.md: NAME, SORT and COLOR change, the stage keeps its STATUS_ID and semantics;
// an unknown id is refused.
func TestStatusUpdateRenamesAStage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	entity := map[string]any{"filter": map[string]any{"ENTITY_ID": "DEAL_STAGE"}}
	var won map[string]any
	for _, r := range list(t, b.call(t, "crm.status.list", entity).ok(t)) {
		if obj(t, r)["SEMANTICS"] == "S" {
			won = obj(t, r)
		}
	}
	require.Equal(t, true, b.call(t, "crm.status.update", map[string]any{"id": won["ID"],
		"fields": map[string]any{"NAME": "Оплачен", "SORT": 70, "COLOR": "#00A9F4", "SEMANTICS": "F"}}).ok(t))
	var after map[string]any
	for _, r := range list(t, b.call(t, "crm.status.list", entity).ok(t)) {
		if obj(t, r)["ID"] == won["ID"] {
			after = obj(t, r)
		}
	}
	require.Equal(t, []any{"Оплачен", "70", "#00A9F4", "S", won["STATUS_ID"]},
		[]any{after["NAME"], after["SORT"], after["COLOR"], after["SEMANTICS"], after["STATUS_ID"]})
	b.call(t, "crm.status.update", map[string]any{"id": 999999, "fields": map[string]any{"NAME": "x"}}).failed(t, 400, "")
	b.call(t, "crm.status.update", map[string]any{"fields": map[string]any{"NAME": "x"}}).failed(t, 400, "")
}

func TestProductRowsReplaceAndRecalculate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.addInvoice(t, map[string]any{"title": "Счёт"})
	set := func(rows ...map[string]any) []any {
		return list(t, obj(t, b.call(t, "crm.item.productrow.set", map[string]any{"ownerType": "SI", "ownerId": id, "productRows": rows}).ok(t))["productRows"])
	}
	require.Len(t, set(map[string]any{"productName": "A", "price": "100.10", "quantity": 3}, map[string]any{"productName": "B", "price": 50}), 2)
	item, _ := b.p.Item(31, id)
	require.Equal(t, json.Number("350.3"), item["opportunity"], "amount follows rows unless manual")
	require.Len(t, set(map[string]any{"productName": "C", "price": 10}), 1)
	require.Len(t, b.p.ProductRows("SI", id), 1)
	listed := list(t, obj(t, b.call(t, "crm.item.productrow.list", map[string]any{"filter": map[string]any{"=ownerType": "SI", "=ownerId": id}}).ok(t))["productRows"])
	require.Equal(t, "C", obj(t, listed[0])["productName"])
	b.call(t, "crm.item.productrow.set", map[string]any{"ownerType": "SI", "ownerId": 999, "productRows": []any{}}).failed(t, 400, "NOT_FOUND")
}

func TestRequisitesByINN(t *testing.T) {
	t.Parallel()
	b := setup(t)
	company, err := b.p.AddItem(4, map[string]any{"TITLE": "ООО Ромашка"})
	require.NoError(t, err)
	b.call(t, "crm.requisite.add", map[string]any{"fields": map[string]any{"ENTITY_TYPE_ID": 4, "ENTITY_ID": company, "PRESET_ID": 1,
		"NAME": "Реквизиты", "RQ_INN": "7700000000", "RQ_KPP": "770001001"}}).ok(t)
	b.call(t, "crm.requisite.add", map[string]any{"fields": map[string]any{"ENTITY_TYPE_ID": 4, "ENTITY_ID": 999, "PRESET_ID": 1, "NAME": "x"}}).failed(t, 400, "ERROR_CORE")
	rows := list(t, b.call(t, "crm.requisite.list", map[string]any{"filter": map[string]any{"RQ_INN": "7700000000", "ENTITY_TYPE_ID": 4},
		"select": []string{"ID", "ENTITY_ID", "RQ_KPP"}}).ok(t))
	require.Equal(t, map[string]any{"ID": "1", "ENTITY_ID": fmt.Sprint(company), "RQ_KPP": "770001001"}, rows[0])
	require.Len(t, b.p.Requisites(4, company), 1)

	b.call(t, "crm.requisite.bankdetail.add", map[string]any{"fields": map[string]any{"ENTITY_ID": 1, "NAME": "Счёт", "RQ_BIK": "044525225"}}).ok(t)
	banks := list(t, b.call(t, "crm.requisite.bankdetail.list", map[string]any{"filter": map[string]any{"ENTITY_ID": 1}}).ok(t))
	require.Equal(t, "044525225", obj(t, banks[0])["RQ_BIK"])
	addr := map[string]any{"TYPE_ID": 6, "ENTITY_TYPE_ID": 8, "ENTITY_ID": 1, "CITY": "Москва"}
	b.call(t, "crm.address.add", map[string]any{"fields": addr}).ok(t)
	b.call(t, "crm.address.add", map[string]any{"fields": addr}).failed(t, 400, "ERROR_CORE")
	addrs := list(t, b.call(t, "crm.address.list", map[string]any{"filter": map[string]any{"ENTITY_TYPE_ID": 8, "ENTITY_ID": 1}}).ok(t))
	require.Equal(t, "Москва", obj(t, addrs[0])["CITY"])
}

func TestLegacyMultiFields(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.call(t, "crm.contact.add", map[string]any{"fields": map[string]any{"NAME": "Иван",
		"PHONE": []any{map[string]any{"VALUE": "+79990000001", "VALUE_TYPE": "WORK"}}}}).ok(t)
	get := func() []any {
		return list(t, obj(t, b.call(t, "crm.contact.get", map[string]any{"id": id}).ok(t))["PHONE"])
	}
	phones := get()
	rowID := obj(t, phones[0])["ID"]
	b.call(t, "crm.contact.update", map[string]any{"id": id, "fields": map[string]any{"PHONE": []any{
		map[string]any{"VALUE": "+79990000001"}, map[string]any{"ID": rowID, "VALUE": "+79990000002"}}}}).ok(t)
	require.Len(t, get(), 2, "a row without ID is added even when the number exists")
	b.call(t, "crm.contact.update", map[string]any{"id": id, "fields": map[string]any{"PHONE": []any{map[string]any{"ID": rowID, "DELETE": "Y"}}}}).ok(t)
	phones = get()
	require.Len(t, phones, 1)
	require.Equal(t, "+79990000001", obj(t, phones[0])["VALUE"])
}
