package app

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"b24pay/schedules"
)

// apiEditPreview answers which instalments an edit would change, and how, without saving it: the
// tab shows this and asks to confirm before PATCH /instalments/:id.
func (a *App) apiEditPreview(c *gin.Context) {
	id, ok := instalmentID(c)
	if !ok {
		return
	}
	var body struct {
		Due    schedules.Date  `json:"due"`
		Amount decimal.Decimal `json:"amount"`
	}
	if !decodeForm(c, 1<<16, &body) {
		return
	}
	changes, err := a.instalments.PreviewEdit(c.Request.Context(), ownerOf(c), id, body.Due, body.Amount)
	if err != nil {
		apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"changes": changes})
}
