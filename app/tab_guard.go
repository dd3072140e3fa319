package app

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/portal"
)

// errTokenRevoked means the token was signed before the latest install or uninstall of its portal.
var errTokenRevoked = errors.New("token signed under an earlier installation")

// checkGeneration accepts claims only while their portal is installed and still in the token
// generation they were signed under: an uninstall or a reinstall kills every earlier token at once.
func (a *App) checkGeneration(ctx context.Context, claims TabClaims) error {
	p, err := a.portals.Get(ctx, claims.MemberID)
	switch {
	case errors.Is(err, portal.ErrNotFound):
		return errTokenRevoked
	case err != nil:
		return err
	case !p.Installed() || p.TokenGeneration != claims.Gen:
		return errTokenRevoked
	}
	return nil
}

// refuseRevoked answers a token that no longer counts (or a database failure while checking it).
func (a *App) refuseRevoked(c *gin.Context, err error) {
	if !errors.Is(err, errTokenRevoked) {
		apiError(c, err)
		return
	}
	jsonError(c, http.StatusUnauthorized, "token_revoked", "Приложение переустановлено — откройте вкладку заново")
}

// signFor signs claims under the portal's current token generation.
func (a *App) signFor(ctx context.Context, claims TabClaims) (string, error) {
	p, err := a.portals.Get(ctx, claims.MemberID)
	if err != nil {
		return "", err
	}
	claims.Gen = p.TokenGeneration
	return a.tabs.sign(claims, a.clock.Now()), nil
}

// ownInstalment answers 404 unless the :id instalment belongs to the token's deal or lead, so no
// route acting on an instalment can reach another owner's row.
func (a *App) ownInstalment(c *gin.Context) {
	id, ok := instalmentID(c)
	if !ok {
		return
	}
	if err := a.instalments.Owns(c.Request.Context(), ownerOf(c), id); err != nil {
		apiError(c, err)
		return
	}
	c.Next()
}
