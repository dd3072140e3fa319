package app

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/cabinet"
	"b24pay/instalment"
)

// apiInvite makes a cabinet invitation link for the client of the tab's deal or lead: whoever
// registers through it is matched to that contact or company. The link is also mailed when the
// client's e-mail is known ("emailed" in the answer).
func (a *App) apiInvite(c *gin.Context) {
	o := ownerOf(c)
	cl, err := a.instalments.ClientOf(c.Request.Context(), o)
	if errors.Is(err, instalment.ErrNotFound) {
		jsonError(c, http.StatusConflict, "no_client", "Укажите в карточке контакт или компанию клиента")
		return
	}
	if err != nil {
		apiError(c, err)
		return
	}
	link, err := a.cabinet.Invite(c.Request.Context(), o.MemberID, cabinet.Card{Type: cl.EntityType, ID: cl.B24ID},
		cabinet.Recipient{Email: cl.Email, Name: cl.Name})
	if err != nil {
		apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"url": link, "client": cl.Name, "emailed": cl.Email})
}
