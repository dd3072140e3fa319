package app

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/docs"
	"b24pay/templates"
)

// home is GET /: name, version and links to the health checks, the docs and the portal.
func (a *App) home(c *gin.Context) {
	version := a.cfg.Version
	if version == "" {
		version = "dev"
	}
	a.render(c, http.StatusOK, "home.html", templates.HomePage{Version: version, PortalURL: a.cfg.B24.PortalURL})
}

// docsFile is GET /docs/:name: an embedded Markdown document as text.
func (a *App) docsFile(c *gin.Context) {
	b, ok := docs.File(c.Param("name"))
	if !ok {
		a.renderError(c, http.StatusNotFound, "Документ не найден", "Список документов — на главной странице сервиса.")
		return
	}
	c.Data(http.StatusOK, "text/markdown; charset=utf-8", b)
}
