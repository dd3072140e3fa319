package app

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/bitrix"
	"b24pay/instalment"
	"b24pay/portal"
	"b24pay/schedules"
)

// fieldError is one validation problem, placed next to its form field by the UI.
type fieldError struct {
	Field   string `json:"field"`
	Row     int    `json:"row"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Reason  string `json:"reason"` // Message without the field's name, for a slot next to the field
}

// apiError answers a JSON API error; every domain error is mapped to HTTP here and only here.
func apiError(c *gin.Context, err error) {
	var verrs schedules.ValidationErrors
	var verr *schedules.ValidationError
	switch {
	case errors.As(err, &verrs):
		fields := make([]fieldError, 0, len(verrs))
		for _, v := range verrs {
			fields = append(fields, fieldError{Field: v.Field, Row: v.Row, Code: string(v.Code), Message: schedules.MessageRU(v), Reason: schedules.ReasonRU(v)})
		}
		c.JSON(http.StatusUnprocessableEntity, gin.H{"error": "validation", "message": "Исправьте отмеченные поля", "fields": fields})
	case errors.As(err, &verr):
		c.JSON(http.StatusUnprocessableEntity, gin.H{"error": "validation", "message": schedules.MessageRU(verr),
			"fields": []fieldError{{Field: verr.Field, Row: verr.Row, Code: string(verr.Code), Message: schedules.MessageRU(verr), Reason: schedules.ReasonRU(verr)}}})
	case errors.Is(err, instalment.ErrNoSchedule):
		jsonError(c, http.StatusNotFound, "no_schedule", "У сделки нет графика платежей")
	case errors.Is(err, instalment.ErrScheduleExists):
		jsonError(c, http.StatusConflict, "schedule_exists", "У сделки уже есть график платежей — обновите вкладку")
	case errors.Is(err, instalment.ErrNotFound):
		jsonError(c, http.StatusNotFound, "not_found", "Платёж не найден")
	case errors.Is(err, instalment.ErrNotEditable):
		jsonError(c, http.StatusConflict, "not_editable",
			"Изменить можно только неоплаченный платёж без выставленного счёта; первый взнос не меняется")
	case errors.Is(err, instalment.ErrPayLinkLive):
		jsonError(c, http.StatusConflict, "pay_link_live", "Не удалось отозвать открытую ссылку на оплату у платёжной системы. Ничего не изменено — повторите через минуту.")
	case errors.Is(err, instalment.ErrHasInvoice):
		jsonError(c, http.StatusConflict, "has_invoice", "Счёт на этот платёж уже выставлен")
	case errors.Is(err, portal.ErrNotInstalled), errors.Is(err, portal.ErrNotFound):
		jsonError(c, http.StatusConflict, "not_installed", "Приложение не установлено на портале")
	case errors.Is(err, bitrix.ErrQueryLimitExceeded) && c.GetBool(changeSavedKey):
		_ = c.Error(err)
		jsonError(c, http.StatusAccepted, "b24_busy", "Битрикс24 занят, изменения сохранены и будут отправлены")
	case errors.Is(err, bitrix.ErrQueryLimitExceeded):
		_ = c.Error(err)
		jsonError(c, http.StatusServiceUnavailable, "b24_busy", "Битрикс24 занят — ничего не изменено, повторите через минуту")
	case errors.Is(err, bitrix.ErrNotFound):
		jsonError(c, http.StatusNotFound, "b24_not_found", "Объект не найден в Битрикс24")
	case errors.As(err, new(*bitrix.APIError)), errors.Is(err, bitrix.ErrTransport):
		_ = c.Error(err)
		jsonError(c, http.StatusBadGateway, "b24_unavailable", "Битрикс24 не ответил, повторите через минуту")
	default:
		_ = c.Error(err)
		jsonError(c, http.StatusInternalServerError, "internal", "Внутренняя ошибка сервиса")
	}
}

// changeSavedKey marks a request whose change is committed (its Bitrix24 side queued in the
// outbox) before it reads Bitrix24 again to answer: a busy portal then only delays the answer.
const changeSavedKey = "change_saved"

func markSaved(c *gin.Context) { c.Set(changeSavedKey, true) }

func jsonError(c *gin.Context, status int, code, message string) {
	c.AbortWithStatusJSON(status, gin.H{"error": code, "message": message})
}
