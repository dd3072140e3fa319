package b24fake_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPlacements(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, etid, err := b.p.AddSmartProcess("Платежи", 0)
	require.NoError(t, err)
	bind := func(placement, handler string) response {
		return b.call(t, "placement.bind", map[string]any{"PLACEMENT": placement, "HANDLER": handler, "TITLE": "Рассрочка",
			"LANG_ALL": map[string]any{"ru": map[string]any{"TITLE": "Рассрочка"}}})
	}
	require.Equal(t, true, bind("CRM_DEAL_DETAIL_TAB", "https://pay.example.ru/b24/deal-tab").ok(t))
	require.Equal(t, true, bind("CRM_DYNAMIC_"+rawJSON(t, etid)+"_DETAIL_TAB", "https://pay.example.ru/b24/spa-tab").ok(t))
	// Placement errors come with HTTP 200 and an error body.
	bind("CRM_DYNAMIC_9999_DETAIL_TAB", "https://x").failed(t, 200, "ERROR_ARGUMENT")
	bind("CRM_DEAL_DETAIL_TAB", "").failed(t, 200, "EMPTY_ERROR_HANDLER_URL")
	got := list(t, b.call(t, "placement.get", nil).ok(t))
	require.Len(t, got, 2)
	require.Equal(t, "CRM_DEAL_DETAIL_TAB", obj(t, got[0])["placement"])
	res := obj(t, b.call(t, "placement.unbind", map[string]any{"PLACEMENT": "CRM_DEAL_DETAIL_TAB"}).ok(t))
	require.Equal(t, json.Number("2"), res["count"])
	require.Len(t, b.p.Placements(), 1)
}

func TestRobotRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sink := newSink(t)
	robot := map[string]any{"CODE": "split_invoice", "HANDLER": sink.url, "AUTH_USER_ID": 1, "USE_SUBSCRIPTION": "Y",
		"NAME":              map[string]any{"ru": "Разбить счёт на части"},
		"DOCUMENT_TYPE":     []any{"crm", `Bitrix\Crm\Integration\BizProc\Document\SmartInvoice`, "SMART_INVOICE"},
		"PROPERTIES":        map[string]any{"parts": map[string]any{"Name": map[string]any{"ru": "Количество частей"}, "Type": "int"}},
		"RETURN_PROPERTIES": map[string]any{"invoiceIds": map[string]any{"Type": "string", "Multiple": "Y"}, "ok": map[string]any{"Type": "bool"}}}
	b.call(t, "bizproc.robot.add", robot).ok(t)
	b.call(t, "bizproc.robot.add", robot).failed(t, 400, "ERROR_ACTIVITY_ALREADY_INSTALLED")
	require.Equal(t, []any{"split_invoice"}, list(t, b.call(t, "bizproc.robot.list", nil).ok(t)))

	token, err := b.p.RunRobot("split_invoice", [3]string{"crm", `Bitrix\Crm\Integration\BizProc\Document\SmartInvoice`, "SMART_INVOICE_315"}, map[string]string{"parts": "3"})
	require.NoError(t, err)
	form := sink.received()[0]
	require.Equal(t, token, form.Get("event_token"))
	require.Equal(t, "SMART_INVOICE_315", form.Get("document_id[2]"))
	require.Equal(t, "SMART_INVOICE", form.Get("document_type[2]"))
	require.Equal(t, "3", form.Get("properties[parts]"))
	require.Equal(t, b.p.ApplicationToken(), form.Get("auth[application_token]"))

	b.call(t, "bizproc.event.send", map[string]any{"EVENT_TOKEN": token, "RETURN_VALUES": map[string]any{"InvoiceIds": []any{"316"}, "OK": "Y", "junk": 1},
		"LOG_MESSAGE": "Создано 3 счёта"}).ok(t)
	reply, ok := b.p.RobotReply(token)
	require.True(t, ok)
	require.Equal(t, map[string]any{"invoiceIds": []any{"316"}, "ok": "Y"}, reply.ReturnValues)
	b.call(t, "bizproc.event.send", map[string]any{"EVENT_TOKEN": token}).failed(t, 403, "ACCESS_DENIED")
	b.call(t, "bizproc.robot.delete", map[string]any{"CODE": "split_invoice"}).ok(t)
	require.Empty(t, b.p.Robots())
}

func TestPaySystemsAndMarkingPaid(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *optionsAlias) { o.AutoPaidStage = true })
	sink := newSink(t)
	b.bind(t, "ONPAYMENTENTITYSAVED", sink.url)
	handler := map[string]any{"NAME": "СБП", "CODE": "b24pay_sbp", "SETTINGS": map[string]any{
		"CODES":         map[string]any{"SERVICE_KEY": map[string]any{"NAME": "Ключ"}},
		"CHECKOUT_DATA": map[string]any{"ACTION_URI": "https://pay.example.ru/b24/checkout", "FIELDS": map[string]any{}}}}
	b.call(t, "sale.paysystem.handler.add", handler).ok(t)
	b.call(t, "sale.paysystem.handler.add", handler).failed(t, 400, "ERROR_HANDLER_ALREADY_EXIST")
	b.call(t, "sale.paysystem.add", map[string]any{"NAME": "СБП", "PERSON_TYPE_ID": 1, "BX_REST_HANDLER": "b24pay_sbp"}).failed(t, 400, "ERROR_PERSON_TYPE_NOT_FOUND")
	psID := b.call(t, "sale.paysystem.add", map[string]any{"NAME": "СБП", "PERSON_TYPE_ID": 1, "BX_REST_HANDLER": "b24pay_sbp",
		"ACTIVE": "Y", "ENTITY_REGISTRY_TYPE": "ORDER"}).ok(t)
	systems := list(t, b.call(t, "sale.paysystem.list", map[string]any{"filter": map[string]any{"ACTION_FILE": "b24pay_sbp"}}).ok(t))
	require.Equal(t, "Y", obj(t, systems[0])["ACTIVE"])

	inv := b.addInvoice(t, map[string]any{"opportunity": 5000, "isManualOpportunity": "Y"})
	other := b.call(t, "sale.paysystem.add", map[string]any{"NAME": "СБП 2", "PERSON_TYPE_ID": 2, "BX_REST_HANDLER": "b24pay_sbp",
		"ACTIVE": "Y", "ENTITY_REGISTRY_TYPE": "ORDER"}).ok(t)
	payID, err := b.p.AddPayment(31, inv, "", num(t, psID))
	require.NoError(t, err)
	// The documented path from an invoice to its payment: crm.orderentity.list → sale.payment.list.
	orders := list(t, obj(t, b.call(t, "crm.orderentity.list", map[string]any{"filter": map[string]any{"=ownerTypeId": 31, "=ownerId": inv}}).ok(t))["orderEntity"])
	require.Len(t, orders, 1)
	payments := list(t, obj(t, b.call(t, "sale.payment.list", map[string]any{"filter": map[string]any{"=orderId": obj(t, orders[0])["orderId"]}}).ok(t))["payments"])
	require.Equal(t, rawJSON(t, payID), rawJSON(t, obj(t, payments[0])["id"]))
	require.Equal(t, "N", obj(t, payments[0])["paid"])
	b.call(t, "sale.paysystem.pay.payment", map[string]any{"PAYMENT_ID": payID, "PAY_SYSTEM_ID": 999}).failed(t, 400, "ERROR_CHECK_FAILURE")
	b.call(t, "sale.paysystem.pay.payment", map[string]any{"PAYMENT_ID": payID, "PAY_SYSTEM_ID": other}).failed(t, 400, "ERROR_CHECK_FAILURE")
	b.call(t, "sale.paysystem.pay.payment", map[string]any{"PAYMENT_ID": payID, "PAY_SYSTEM_ID": psID}).ok(t)
	pm, ok := b.p.Payment(payID)
	require.True(t, ok)
	require.True(t, pm.Paid)
	require.Equal(t, "5000", pm.Sum.String())
	item, _ := b.p.Item(31, inv)
	require.Equal(t, "DT31_1:P", item["stageId"])
	b.p.Flush()
	require.Equal(t, "ONPAYMENTENTITYSAVED", sink.received()[0].Get("event"))
}

func TestNotificationsReplaceByTag(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, msg := range []string{"Платёж через 3 дня", "Платёж завтра"} {
		b.call(t, "im.notify.system.add", map[string]any{"USER_ID": 2, "MESSAGE": msg, "TAG": "b24pay|due|7"}).ok(t)
	}
	b.call(t, "im.notify.personal.add", map[string]any{"USER_ID": 2, "MESSAGE": "Привет"}).ok(t)
	notes := b.p.Notifications(2)
	require.Len(t, notes, 2)
	require.Equal(t, "Платёж завтра", notes[0].Message)
	require.Equal(t, 1, notes[1].FromUser)
	b.call(t, "im.notify.system.add", map[string]any{"USER_ID": 99, "MESSAGE": "x"}).failed(t, 400, "USER_ID_EMPTY")
}

func TestAppAndUserInfo(t *testing.T) {
	t.Parallel()
	b := setup(t)
	info := obj(t, b.call(t, "app.info", nil).ok(t))
	require.Equal(t, true, info["INSTALLED"])
	require.Equal(t, "L", info["STATUS"])
	require.Equal(t, "1", obj(t, b.call(t, "user.current", nil).ok(t))["ID"])
	manager, _ := b.p.TokensFor(2)
	require.Equal(t, false, obj(t, b.callAs(t, manager, "profile", nil).ok(t))["ADMIN"])
	b.call(t, "app.option.set", map[string]any{"options": map[string]any{"tz": "Europe/Moscow"}}).ok(t)
	require.Equal(t, "Europe/Moscow", b.call(t, "app.option.get", map[string]any{"option": "tz"}).ok(t))
	b.callAs(t, manager, "app.option.set", map[string]any{"options": map[string]any{"tz": "UTC"}}).failed(t, 403, "ACCESS_DENIED")
	b.call(t, "app.option.set", map[string]any{"lang": "ru"}).ok(t) // no options: the parameters are the settings
	require.Equal(t, "ru", b.call(t, "app.option.get", map[string]any{"option": "lang"}).ok(t))
	require.Equal(t, "Europe/Moscow", b.call(t, "app.option.get", map[string]any{"option": "tz"}).ok(t), "other keys kept")
	require.Nil(t, b.call(t, "app.option.get", map[string]any{"option": "absent"}).ok(t))
	require.NotEmpty(t, b.call(t, "server.time", nil).ok(t))
}

func TestTimelineComments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.call(t, "crm.timeline.comment.add", map[string]any{"fields": map[string]any{"ENTITY_ID": 8061, "ENTITY_TYPE": "deal", "COMMENT": "График создан"}}).ok(t)
	b.call(t, "crm.timeline.comment.add", map[string]any{"fields": map[string]any{"ENTITY_ID": 8061, "ENTITY_TYPE": "deal"}}).failed(t, 400, "INVALID_ARG_VALUE")
	require.Equal(t, []string{"График создан"}, b.p.TimelineComments("deal", 8061))
}

func TestAddedUserIsAnEmployeeWithTheirOwnTokens(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.p.AddUser("Мария", "Продажина", "maria@example.ru", false)
	require.Equal(t, 3, id)
	access, _ := b.p.TokensFor(id)
	me := obj(t, b.callAs(t, access, "user.current", nil).ok(t))
	require.Equal(t, "3", me["ID"])
	require.Equal(t, "Продажина", me["LAST_NAME"])
	require.Equal(t, false, obj(t, b.callAs(t, access, "profile", nil).ok(t))["ADMIN"])
}
