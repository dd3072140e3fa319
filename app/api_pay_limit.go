package app

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"b24pay/billing"
	"b24pay/instalment"
)

// readTimeLimit reads the time limit the manager chose for an invoice in the tab (a Go duration,
// empty: the route's default) and answers 422 next to the field when it is out of range.
func readTimeLimit(c *gin.Context, raw string) (time.Duration, bool) {
	if raw == "" {
		return 0, true
	}
	d, err := time.ParseDuration(raw)
	if err == nil {
		err = billing.CheckTimeLimit(d)
	}
	if err != nil {
		msg := "Срок оплаты — от 1 минуты до 30 дней"
		c.JSON(http.StatusUnprocessableEntity, gin.H{"error": "validation", "message": msg,
			"fields": []fieldError{{Field: "time_limit", Code: "out_of_range", Message: msg}}})
		return 0, false
	}
	return d, true
}

// timeLimitsView tells the tab which payment time limit a new invoice of each route gets, and why.
func (a *App) timeLimitsView(owner *instalment.OwnerInfo, routes []string) gin.H {
	trusted := owner != nil && owner.Client != nil && owner.Client.Trusted
	out := gin.H{}
	for _, code := range routes {
		d, why := a.payments.Limit(code, trusted, 0)
		reason := "по умолчанию для " + routeTitles[code]
		if why == billing.LimitTrusted {
			reason = "доверенный клиент: отсрочка"
		}
		out[code] = gin.H{"limit": d.String(), "text": limitText(d), "why": why, "reason": reason}
	}
	return gin.H{"trusted": trusted, "routes": out}
}

// limitText is a time limit as the tab says it: «3 дн.», «24 ч», «15 мин».
func limitText(d time.Duration) string {
	switch day := 24 * time.Hour; {
	case d%day == 0:
		return fmt.Sprintf("%d дн.", d/day)
	case d%time.Hour == 0:
		return fmt.Sprintf("%d ч", d/time.Hour)
	}
	return fmt.Sprintf("%d мин", d/time.Minute)
}
