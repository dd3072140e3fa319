package app

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/bitrix"
	"b24pay/robots"
)

// b24RobotSplit receives the «Разделить счёт на части» robot call. It is verified the way events
// are (the portal is ours and installed, the application token matches in constant time), stored
// before it is answered, and split in the outbox; the result goes back with bizproc.event.send.
func (a *App) b24RobotSplit(c *gin.Context) {
	ctx := c.Request.Context()
	req, err := bitrix.ParseRobotRequest(c.Request)
	if err != nil || req.Code != robots.SplitCode {
		c.JSON(http.StatusBadRequest, gin.H{"error": "malformed_robot_call"})
		return
	}
	if err := a.checkClaims(ctx, req.Auth.Domain, req.Auth.MemberID); err != nil {
		a.log.Warn("robot call for another portal refused", "member_id", req.Auth.MemberID, "domain", req.Auth.Domain)
		c.JSON(http.StatusUnauthorized, gin.H{"error": "foreign_portal"})
		return
	}
	p, ok := a.verifiedCaller(c, req.Auth, "robot "+req.Code)
	if !ok {
		return
	}
	if !p.Installed() {
		c.JSON(http.StatusUnauthorized, gin.H{"error": "unknown_portal"})
		return
	}
	if err := a.robots.AcceptRobot(ctx, p.MemberID, req); err != nil {
		_ = c.Error(err)
		c.JSON(http.StatusInternalServerError, gin.H{"error": "internal"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "accepted"})
}
