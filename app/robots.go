package app

import (
	"github.com/gin-gonic/gin"

	"b24pay/portal"
	"b24pay/robots"
)

// wireRobots builds the business-process robots (needs the Bitrix24 side).
func (a *App) wireRobots() {
	a.robots = robots.NewService(a.db, a.clock, a.cfg.Timezone, a.portals, a.b24, a.instalments, a.log)
	a.robots.Register(a.outbox)
}

// robotDefs are the robots install registers; adminID is the installing administrator.
func (a *App) robotDefs(adminID int64) []portal.Robot {
	return []portal.Robot{robots.SplitRobot(a.cfg.PublicURL+"/b24/robot/split", adminID)}
}

// robotRoutes serves the robot handler and the tab's «Разделить счёт».
func (a *App) robotRoutes(b, api *gin.RouterGroup) {
	b.POST("/robot/split", a.b24RobotSplit)
	api.GET("/split/invoices", a.apiSplitInvoices)
	api.POST("/split/preview", a.apiSplitPreview)
	api.POST("/split", a.apiSplitStart)
	api.GET("/split/:id", a.apiSplitStatus)
}
