package app

import "github.com/gin-gonic/gin"

// wireBilling builds the payments side (filled in by the payments capability).
func (a *App) wireBilling() error { return nil }

// billingRoutes mounts webhooks, pay pages and pay-system handlers.
func (a *App) billingRoutes(r *gin.Engine) {}
