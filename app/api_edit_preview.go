package app

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiEditPreview answers which instalments an edit would change, and how, without saving it: the
// tab shows this and asks to confirm before PATCH /instalments/:id.
func (a *App) apiEditPreview(c *gin.Context) {
	id, body, ok := readEdit(c)
	if !ok {
		return
	}
	changes, err := a.instalments.PreviewEdit(c.Request.Context(), ownerOf(c), id, body.Due, body.Amount)
	if err != nil {
		apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"changes": changes})
}
