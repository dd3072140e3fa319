package app

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/templates"
)

// render writes a page; pages are rendered to a buffer first so a template error never sends half a page.
func (a *App) render(c *gin.Context, status int, name string, data any) {
	var buf bytes.Buffer
	if err := a.pages.Render(&buf, name, data); err != nil {
		_ = c.Error(err)
		c.String(http.StatusInternalServerError, "Внутренняя ошибка сервиса")
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// renderError shows an error page (inside the Bitrix24 frame).
func (a *App) renderError(c *gin.Context, status int, title, message string) {
	a.render(c, status, "error.html", templates.ErrorPage{Status: status, Title: title, Message: message})
}
