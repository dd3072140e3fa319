package portal

import "strings"

// Scopes are the permissions the local application needs, each for the methods it calls (the
// "Scope" line of each method's docs page; the conformance test in bitrix/b24fake checks that every
// method the app calls is covered). The README's "Register in Bitrix24" section lists the same.
var Scopes = []string{
	"crm",             // crm.* and, with userfieldconfig, userfieldconfig.* for moduleId crm
	"userfieldconfig", // userfieldconfig.list/add
	"placement",       // placement.get/bind
	"im",              // im.notify.system.add
	"imopenlines",     // imopenlines.crm.chat.get / crm.message.add: a pay link into the client's chat
	"pay_system",      // sale.paysystem.*
	"sale",            // sale.persontype.list
	"bizproc",         // bizproc.robot.*, bizproc.event.send (the split-invoice robot)
	"user_brief",      // user.get: a user's departments (UF_DEPARTMENT) for the finance role
	"department",      // department.get: the company structure, so a department's role reaches its sub-departments
}

// ScopeList is Scopes as the admin types them into the form: "crm, userfieldconfig, …".
var ScopeList = strings.Join(Scopes, ", ")
