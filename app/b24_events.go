package app

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"b24pay/bitrix"
	"b24pay/finance"
	"b24pay/instalment"
	"b24pay/portal"
)

// b24Events receives Bitrix24 events. Each is verified by its application token (constant time)
// and stored before it is answered; processing happens in the outbox worker.
func (a *App) b24Events(c *gin.Context) {
	ctx := c.Request.Context()
	ev, err := bitrix.ParseEventRequest(c.Request)
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": "malformed_event"})
		return
	}
	p, err := a.portals.Get(ctx, ev.Auth.MemberID)
	if errors.Is(err, portal.ErrNotFound) {
		c.JSON(http.StatusUnauthorized, gin.H{"error": "unknown_portal"})
		return
	}
	if err != nil {
		_ = c.Error(err)
		c.JSON(http.StatusInternalServerError, gin.H{"error": "internal"})
		return
	}
	creds, err := a.portals.Credentials(p)
	if err != nil || ev.Auth.VerifyApplicationToken(creds.ApplicationToken) != nil {
		a.log.Warn("event with a wrong application token refused", "member_id", ev.Auth.MemberID, "event", ev.Name)
		c.JSON(http.StatusUnauthorized, gin.H{"error": "bad_application_token"})
		return
	}
	if err := a.acceptEvent(c, p, ev); err != nil {
		_ = c.Error(err)
		c.JSON(http.StatusInternalServerError, gin.H{"error": "internal"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "accepted"})
}

func (a *App) acceptEvent(c *gin.Context, p *portal.Portal, ev *bitrix.Event) error {
	ctx := c.Request.Context()
	name := strings.ToUpper(ev.Name)
	if name == "ONAPPUNINSTALL" {
		a.b24.Forget(p.MemberID)
		a.log.Info("application uninstalled; tokens wiped, business data kept", "member_id", p.MemberID)
		return a.portals.MarkUninstalled(ctx, p.MemberID)
	}
	if !p.Installed() {
		return nil
	}
	id, err := ev.FieldID()
	if err != nil {
		return nil // an event without an object id is nothing we act on
	}
	job := instalment.EventJob{ID: int64(id), UserID: int64(ev.Auth.UserID)}
	switch name {
	case "ONCRMDYNAMICITEMUPDATE":
		job.Kind, job.EntityTypeID = instalment.EventItem, ev.EntityTypeID()
		if cp := p.Provisioned().CompanyPayments; cp.Provisioned() && job.EntityTypeID == cp.EntityTypeID {
			return a.finance.AcceptEvent(ctx, p.MemberID, finance.ItemEvent{ItemID: job.ID, UserID: job.UserID})
		}
		if job.EntityTypeID != p.Provisioned().SPAEntityTypeID {
			return nil
		}
	case "ONCRMDEALUPDATE":
		job.Kind = instalment.EventDeal
	case "ONCRMCONTACTUPDATE":
		job.Kind = instalment.EventContact
	case "ONCRMCOMPANYUPDATE":
		job.Kind = instalment.EventCompany
	default:
		return nil
	}
	return a.instalments.AcceptEvent(ctx, p.MemberID, job)
}
