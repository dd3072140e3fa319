package app

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// financeOwner marks a signed token that opens the finance pages for a user with the finance role.
const financeOwner = "finance"

// financeCaller is who opened a finance route; ownOnly: their role shows only the deals and contracts
// they are responsible for.
type financeCaller struct {
	TabClaims
	ownOnly bool
}

// financeClaims checks the token of every finance route: the portal admin's token of the app page,
// or the finance token of a user who holds the finance role now (a role taken away or narrowed takes
// effect at once, not when the token expires).
func (a *App) financeClaims(c *gin.Context) (financeCaller, bool) {
	claims, err := a.tabs.verify(c.Query("token"), a.clock.Now())
	if err == nil {
		err = a.checkGeneration(c.Request.Context(), claims)
	}
	caller := financeCaller{TabClaims: claims}
	if err == nil {
		caller.ownOnly, err = a.financeAllowed(c.Request.Context(), claims)
	}
	if err != nil {
		_ = c.Error(err)
		c.Header("Connection", "close") // the body is never read: do not drain it for a next request
		a.renderError(c, http.StatusUnauthorized, "Доступ запрещён",
			"Раздел «Финансы» доступен администратору портала и сотрудникам с ролью «Финансы». Откройте приложение заново.")
		return financeCaller{}, false
	}
	return caller, true
}

// financeAllowed tells whether the claims open the finance pages, and whether only the caller's own.
func (a *App) financeAllowed(ctx context.Context, claims TabClaims) (bool, error) {
	switch {
	case claims.OwnerType == settingsOwner && claims.Admin:
		return false, nil
	case claims.OwnerType != financeOwner:
		return false, ErrTokenInvalid
	}
	access, err := a.finance.RoleOf(ctx, claims.MemberID, claims.UserID)
	if err == nil && !access.Granted {
		err = ErrTokenInvalid
	}
	return access.OwnOnly, err
}

// scope narrows the query of a caller who sees only their own deals to themselves.
func (f financeCaller) scope(q *financeQuery) {
	if f.ownOnly {
		q.filter.Manager, q.ownOnly = strconv.FormatInt(f.UserID, 10), true
	}
}

// financeToken signs the finance token of a user who is no admin, when they hold the finance role
// ("" otherwise).
func (a *App) financeToken(ctx context.Context, memberID string, userID int64) (string, error) {
	access, err := a.finance.RoleOf(ctx, memberID, userID)
	if err != nil || !access.Granted {
		return "", err
	}
	return a.signFor(ctx, TabClaims{MemberID: memberID, UserID: userID, OwnerType: financeOwner, OwnerID: 1})
}
