package app

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// adminClaims checks the signed admin token of the app page's forms and pages (settings,
// holiday transfers, connection checks, finance). It rides in the form's
// action URL, so it is checked before any of the body is read; a token signed before the last
// install or uninstall is refused.
func (a *App) adminClaims(c *gin.Context) (TabClaims, bool) {
	claims, err := a.tabs.verify(c.Query("token"), a.clock.Now())
	if err == nil && (claims.OwnerType != settingsOwner || !claims.Admin) {
		err = ErrTokenInvalid
	}
	if err == nil {
		err = a.checkGeneration(c.Request.Context(), claims)
	}
	if err != nil {
		_ = c.Error(err)
		c.Header("Connection", "close") // the body is never read: do not drain it for a next request
		a.renderError(c, http.StatusUnauthorized, "Доступ запрещён", "Этот раздел доступен администратору портала. Откройте приложение заново.")
		return TabClaims{}, false
	}
	return claims, true
}
