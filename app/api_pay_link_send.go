package app

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"b24pay/billing"
	"b24pay/bitrix"
	"b24pay/instalment"
	"b24pay/schedules"
)

// payLinkChannels are the places the tab sends a pay link to.
var payLinkChannels = map[string]bool{instalment.SendByEmail: true, instalment.SendToTimeline: true, instalment.SendToChat: true}

// apiSendPayLink sends a live pay link of the tab's schedule to the client: by e-mail, as a
// comment in the card's timeline or into the client's open channel chat (all through the outbox).
func (a *App) apiSendPayLink(c *gin.Context) {
	var body struct {
		Channel string `json:"channel"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 1<<10)).Decode(&body); err != nil || !payLinkChannels[body.Channel] {
		jsonError(c, http.StatusBadRequest, "bad_channel", "Выберите, куда отправить ссылку")
		return
	}
	p, ok := a.ownPayment(c)
	if !ok {
		return
	}
	if p.Status != billing.StatusPending {
		jsonError(c, http.StatusConflict, "link_not_live", "Эта ссылка уже не действует: создайте новую")
		return
	}
	cur, _ := schedules.LookupCurrency(p.Currency)
	link := instalment.PayLink{PaymentID: p.ID, InstalmentID: p.PayableID, URL: a.cfg.PublicURL + "/pay/" + p.PayToken,
		Amount: cur.Human(minorToAmount(p.AmountMinor)), Route: routeTitles[p.Provider], Merchant: a.cfg.Recur.Merchant}
	to, err := a.instalments.SendPayLink(c.Request.Context(), actorOf(c), ownerOf(c), link, body.Channel)
	if errors.Is(err, instalment.ErrNoClientEmail) {
		jsonError(c, http.StatusConflict, "no_client_email", "У клиента в карточке нет e-mail — добавьте его или отправьте ссылку в ленту")
		return
	}
	if errors.Is(err, instalment.ErrNoClientChat) {
		jsonError(c, http.StatusConflict, "no_client_chat", "У клиента нет открытого чата в Битрикс24 — отправьте ссылку на e-mail или в ленту")
		return
	}
	if errors.Is(err, bitrix.ErrInsufficientScope) {
		jsonError(c, http.StatusConflict, "no_chat_scope", "Приложению не хватает права «Открытые линии» — администратору нужно переустановить приложение")
		return
	}
	if err != nil {
		apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"channel": body.Channel, "to": to})
}

// apiPayLinkDeliveries answers, for each place the payment's link was sent to, whether it got there
// («sending», «sent» or «failed»), so the tab says «Отправляется…» until the outbox has delivered it.
func (a *App) apiPayLinkDeliveries(c *gin.Context) {
	p, ok := a.ownPayment(c)
	if !ok {
		return
	}
	states, err := a.instalments.PayLinkDeliveries(c.Request.Context(), ownerOf(c).MemberID, p.ID)
	if err != nil {
		apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"channels": states})
}
