package app

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"b24pay/robots"
)

// apiSplitStart queues the split of one of the deal's invoices; the page polls apiSplitStatus.
func (a *App) apiSplitStart(c *gin.Context) {
	b, ok := readSplit(c)
	if !ok {
		return
	}
	cl := claimsOf(c)
	id, err := a.robots.StartFromTab(c.Request.Context(), cl.MemberID, cl.OwnerID, cl.UserID, b.Key, b.form())
	if err != nil {
		splitError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"id": id, "status": robots.RunPending})
}

// apiSplitStatus reports a split of this deal: pending, done with the new invoices, or failed.
func (a *App) apiSplitStatus(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	cl := claimsOf(c)
	if err != nil || cl.OwnerType != "deal" {
		jsonError(c, http.StatusNotFound, "not_found", "Разделение не найдено")
		return
	}
	run, err := a.robots.TabRun(c.Request.Context(), cl.MemberID, cl.OwnerID, id)
	if err != nil {
		splitError(c, err)
		return
	}
	parts := run.Parts()
	if parts == nil {
		parts = []int64{}
	}
	c.JSON(http.StatusOK, gin.H{"id": run.ID, "status": run.Status, "invoice_ids": parts, "error": run.Error})
}
