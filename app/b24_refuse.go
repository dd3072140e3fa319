package app

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/bitrix"
)

// errPortalUnreachable means the portal did not answer while a page request was being verified.
var errPortalUnreachable = errors.New("the Bitrix24 portal did not answer")

// unreachable tells a portal that is down (network, 5xx, an HTML error page, overload) from one
// that refused the token.
func unreachable(err error) bool {
	return errors.Is(err, bitrix.ErrTransport) || errors.Is(err, bitrix.ErrServer) || errors.Is(err, bitrix.ErrBadResponse) ||
		errors.Is(err, bitrix.ErrOverloadLimit) || errors.Is(err, bitrix.ErrQueryLimitExceeded)
}

// refusePage renders why a Bitrix24 page request was not served; refused says what a request that
// could not be verified is told.
func (a *App) refusePage(c *gin.Context, err error, refused string) {
	_ = c.Error(err)
	switch {
	case errors.Is(err, errPortalUnreachable):
		a.renderError(c, http.StatusServiceUnavailable, "Битрикс24 недоступен",
			"Портал Битрикс24 не отвечает или перегружен, поэтому вход не подтверждён. Повторите через минуту.")
	case errors.Is(err, errNotInstalled):
		a.renderError(c, http.StatusUnauthorized, "Доступ запрещён", "Приложение не установлено на этом портале.")
	case errors.Is(err, errForeignPortal), errors.Is(err, errBadAppToken), errors.Is(err, errTokenRejected):
		a.renderError(c, http.StatusUnauthorized, "Доступ запрещён", refused)
	default:
		a.renderError(c, http.StatusInternalServerError, "Ошибка", "Не удалось открыть страницу. Повторите через минуту.")
	}
}

// refuseOwner renders why the user's own token could not read the deal or lead of a tab.
func (a *App) refuseOwner(c *gin.Context, err error) {
	_ = c.Error(err)
	switch {
	case errors.Is(err, bitrix.ErrAccessDenied):
		a.renderError(c, http.StatusForbidden, "Нет доступа", "У вас нет прав на просмотр этой сделки или лида в Битрикс24.")
	case errors.Is(err, bitrix.ErrNotFound):
		a.renderError(c, http.StatusNotFound, "Не найдено", "Сделка или лид удалены в Битрикс24.")
	case unreachable(err):
		a.refusePage(c, errPortalUnreachable, "")
	default:
		a.refusePage(c, errTokenRejected, "Не удалось подтвердить вход через Битрикс24. Обновите страницу.")
	}
}
