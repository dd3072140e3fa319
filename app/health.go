package app

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// healthz answers while the process is alive.
func (a *App) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 200 only when the database is reachable and its schema is current.
func (a *App) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := a.db.Ping(ctx); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "reason": "database unreachable"})
		return
	}
	current, err := a.db.SchemaCurrent(ctx)
	switch {
	case err != nil:
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "reason": "cannot read schema version"})
	case !current:
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "reason": "schema migrations pending"})
	default:
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	}
}
