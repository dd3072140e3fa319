package app

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
)

// financeOwner marks a signed token that opens the finance pages for a user with the finance role.
const financeOwner = "finance"

// financeClaims checks the token of every finance route: the portal admin's token of the app page,
// or the finance token of a user who holds the finance role now (a role taken away closes the pages
// at once, not when the token expires).
func (a *App) financeClaims(c *gin.Context) (TabClaims, bool) {
	claims, err := a.tabs.verify(c.Query("token"), a.clock.Now())
	if err == nil {
		err = a.checkGeneration(c.Request.Context(), claims)
	}
	if err == nil {
		err = a.financeAllowed(c.Request.Context(), claims)
	}
	if err != nil {
		_ = c.Error(err)
		c.Header("Connection", "close") // the body is never read: do not drain it for a next request
		a.renderError(c, http.StatusUnauthorized, "Доступ запрещён",
			"Раздел «Финансы» доступен администратору портала и сотрудникам с ролью «Финансы». Откройте приложение заново.")
		return TabClaims{}, false
	}
	return claims, true
}

func (a *App) financeAllowed(ctx context.Context, claims TabClaims) error {
	switch {
	case claims.OwnerType == settingsOwner && claims.Admin:
		return nil
	case claims.OwnerType != financeOwner:
		return ErrTokenInvalid
	}
	ok, err := a.finance.HasRole(ctx, claims.MemberID, claims.UserID, nil)
	if err == nil && !ok {
		err = ErrTokenInvalid
	}
	return err
}

// financeToken signs the finance token of a user who is no admin, when they hold the finance role
// ("" otherwise).
func (a *App) financeToken(ctx context.Context, memberID string, userID int64) (string, error) {
	ok, err := a.finance.HasRole(ctx, memberID, userID, nil)
	if err != nil || !ok {
		return "", err
	}
	return a.signFor(ctx, TabClaims{MemberID: memberID, UserID: userID, OwnerType: financeOwner, OwnerID: 1})
}
