package b24fake

// methods is the REST method table (lower-case names).
var methods = map[string]handler{}

func init() {
	table := map[string]handler{
		"crm.item.add": itemAdd, "crm.item.update": itemUpdate, "crm.item.get": itemGet, "crm.item.list": itemList,
		"crm.item.delete": itemDelete, "crm.item.fields": itemFields,
		"crm.item.productrow.set": productRowSet, "crm.item.productrow.add": productRowAdd,
		"crm.item.productrow.update": productRowUpdate, "crm.item.productrow.get": productRowGet,
		"crm.item.productrow.list": productRowList, "crm.item.productrow.delete": productRowDelete,
		"crm.item.productrow.fields": productRowFieldsDesc,
		"crm.item.payment.add":       itemPaymentAdd, "crm.item.payment.get": itemPaymentGet, "crm.item.payment.list": itemPaymentList,
		"crm.item.payment.pay": itemPaymentPay(true), "crm.item.payment.unpay": itemPaymentPay(false),
		"crm.item.payment.update": itemPaymentUpdate,
		"crm.type.add":            typeAdd, "crm.type.get": typeGet, "crm.type.getbyentitytypeid": typeGetByEntityTypeID,
		"crm.type.list": typeList, "crm.type.update": typeUpdate, "crm.type.delete": typeDelete, "crm.type.fields": typeFields,
		"userfieldconfig.add": userFieldAdd, "userfieldconfig.list": userFieldList, "userfieldconfig.get": userFieldGet,
		"userfieldconfig.delete": userFieldDelete,
		"crm.category.list":      categoryList, "crm.category.get": categoryGet, "crm.category.add": categoryAdd,
		"crm.category.delete": categoryDelete,
		"crm.status.list":     statusList, "crm.status.add": statusAdd, "crm.status.update": statusUpdate, "crm.status.entity.types": statusEntityTypes,
		"crm.requisite.add": requisiteAdd, "crm.requisite.update": requisiteUpdate, "crm.requisite.get": requisiteGet,
		"crm.requisite.list": requisiteList, "crm.requisite.delete": requisiteDelete, "crm.requisite.fields": requisiteFields,
		"crm.requisite.preset.list": presetList, "crm.requisite.preset.countries": presetCountries,
		"crm.requisite.link.register": requisiteLinkRegister, "crm.requisite.link.get": requisiteLinkGet,
		"crm.requisite.bankdetail.add": bankDetailAdd, "crm.requisite.bankdetail.update": bankDetailUpdate,
		"crm.requisite.bankdetail.get": bankDetailGet, "crm.requisite.bankdetail.list": bankDetailList,
		"crm.requisite.bankdetail.delete": bankDetailDelete,
		"crm.address.add":                 addressAdd, "crm.address.update": addressUpdate, "crm.address.delete": addressDelete,
		"crm.address.list":         addressList,
		"crm.timeline.comment.add": timelineCommentAdd,
		"placement.bind":           placementBind, "placement.unbind": placementUnbind, "placement.get": placementGet,
		"event.bind": eventBind, "event.unbind": eventUnbind, "event.get": eventGet, "events": eventList,
		"bizproc.robot.add": robotAdd, "bizproc.robot.update": robotUpdate, "bizproc.robot.list": robotList,
		"bizproc.robot.delete": robotDelete, "bizproc.event.send": eventSend,
		"sale.paysystem.handler.add": handlerAdd, "sale.paysystem.handler.list": handlerList,
		"sale.paysystem.handler.update": handlerUpdate, "sale.paysystem.handler.delete": handlerDelete,
		"sale.paysystem.add": paySystemAdd, "sale.paysystem.list": paySystemList, "sale.paysystem.delete": paySystemDelete,
		"sale.paysystem.pay.payment": paySystemPayPayment, "sale.persontype.list": personTypeList,
		"crm.orderentity.list": orderEntityList, "sale.payment.list": salePaymentList, "sale.payment.get": salePaymentGet,
		"im.notify.system.add": notify(false), "im.notify.personal.add": notify(true),
		"imopenlines.crm.chat.get": crmChatGet, "imopenlines.crm.message.add": crmMessageAdd,
		"imopenlines.crm.chat.user.add": crmChatUserAdd,
		"app.info":                      appInfo, "app.option.set": appOptionSet, "app.option.get": appOptionGet,
		"user.current": userCurrent, "user.get": userGet, "department.get": departmentGet, "user.admin": userAdmin, "profile": profile,
		"server.time": serverTime, "scope": scopeMethod, "method.get": methodGet,
	}
	for name, h := range table {
		methods[name] = h
	}
	for prefix, etid := range map[string]int{"crm.lead.": etLead, "crm.deal.": etDeal, "crm.contact.": etContact, "crm.company.": etCompany} {
		for op, h := range legacy(etid) {
			methods[prefix+op] = h
		}
	}
}
