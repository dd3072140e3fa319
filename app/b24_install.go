package app

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"b24pay/bitrix"
	"b24pay/portal"
	"b24pay/templates"
)

// b24Install is the install page: it verifies the admin's token with the configured portal, stores
// the portal with encrypted tokens, provisions idempotently and lets the page call BX24.installFinish.
func (a *App) b24Install(c *gin.Context) {
	ctx := c.Request.Context()
	req, err := bitrix.ParseAppRequest(c.Request)
	if err != nil {
		a.renderError(c, http.StatusBadRequest, "Некорректный запрос", "Откройте установку приложения из Битрикс24.")
		return
	}
	if err := a.checkClaims(ctx, req.Domain, req.MemberID); err != nil {
		_ = c.Error(err)
		a.renderError(c, http.StatusForbidden, "Доступ запрещён", "Это приложение настроено для другого портала Битрикс24.")
		return
	}
	profile, err := a.b24.Verify(ctx, req.MemberID, req.AuthID)
	if err != nil {
		_ = c.Error(err)
		a.renderError(c, http.StatusUnauthorized, "Доступ запрещён", "Битрикс24 не подтвердил авторизацию. Откройте установку заново.")
		return
	}
	if !profile.Admin {
		a.renderError(c, http.StatusForbidden, "Нужны права администратора", "Установить приложение может только администратор портала.")
		return
	}
	creds := bitrix.Credentials{MemberID: req.MemberID, ClientEndpoint: a.b24.Endpoints().Client,
		ServerEndpoint: a.b24.Endpoints().OAuthServer(req.ServerEndpoint), AccessToken: req.AuthID, RefreshToken: req.RefreshID,
		ExpiresAt: a.clock.Now().Add(time.Duration(req.AuthExpires) * time.Second), ApplicationToken: req.ApplicationToken,
		Scope: req.Scope, UserID: profile.ID}
	page := templates.InstallPage{PortalDomain: a.cfg.B24.PortalHost()}
	err = a.install(c, creds)
	if err != nil && !errors.Is(err, portal.ErrNoPaySystems) {
		_ = c.Error(err)
		page.Error = installErrorText(err)
		a.render(c, http.StatusBadGateway, "install.html", page)
		return
	}
	if err != nil {
		page.Warning = installErrorText(err)
	}
	page.OK = true
	a.render(c, http.StatusOK, "install.html", page)
}

func (a *App) install(c *gin.Context, creds bitrix.Credentials) error {
	ctx := c.Request.Context()
	if _, err := a.portals.SaveInstall(ctx, a.cfg.B24.PortalHost(), creds); err != nil {
		return err
	}
	a.b24.Forget(creds.MemberID)
	cl, err := a.b24.For(ctx, creds.MemberID)
	if err != nil {
		return err
	}
	prov, err := portal.Provision(ctx, cl, portal.Handlers{
		Placement: a.cfg.PublicURL + "/b24/placement", Events: a.cfg.PublicURL + "/b24/events",
		PaySystems: a.paySystems(), PaySystemKey: a.paySystemKey(creds.MemberID), Robots: a.robotDefs(int64(creds.UserID))})
	if err != nil && !errors.Is(err, portal.ErrNoPaySystems) {
		return err
	}
	a.log.Info("portal installed and provisioned", "member_id", creds.MemberID, "spa_entity_type_id", prov.SPAEntityTypeID,
		"pay_systems", prov.PaySystems)
	if saveErr := a.portals.SaveProvisioned(ctx, creds.MemberID, prov); saveErr != nil {
		return saveErr
	}
	return err
}

// installErrorText tells the admin which step failed and what to do.
func installErrorText(err error) string {
	var step *portal.StepError
	if errors.As(err, &step) {
		return "Не удалось выполнить шаг «" + step.Title() + "». " + step.Hint() + " Подробности: " + err.Error()
	}
	return "Не удалось настроить портал: " + err.Error() + ". Повторите установку — уже созданное не продублируется."
}
