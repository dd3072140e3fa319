package app

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"b24pay/bitrix"
	"b24pay/cabinet"
	"b24pay/finance"
	"b24pay/instalment"
	"b24pay/portal"
)

// b24Events receives Bitrix24 events. Each is verified by its application token (constant time)
// and stored before it is answered; processing happens in the outbox worker.
func (a *App) b24Events(c *gin.Context) {
	ev, err := bitrix.ParseEventRequest(c.Request)
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": "malformed_event"})
		return
	}
	p, ok := a.verifiedCaller(c, ev.Auth, "event "+ev.Name)
	if !ok {
		return
	}
	if err := a.acceptEvent(c, p, ev); err != nil {
		_ = c.Error(err)
		c.JSON(http.StatusInternalServerError, gin.H{"error": "internal"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "accepted"})
}

// verifiedCaller finds the portal a call from Bitrix24 (an event, a robot) names and checks its
// application token in constant time; on a refusal it has answered and reports false.
func (a *App) verifiedCaller(c *gin.Context, auth bitrix.Auth, what string) (*portal.Portal, bool) {
	p, err := a.portals.Get(c.Request.Context(), auth.MemberID)
	if errors.Is(err, portal.ErrNotFound) {
		c.JSON(http.StatusUnauthorized, gin.H{"error": "unknown_portal"})
		return nil, false
	}
	if err != nil {
		_ = c.Error(err)
		c.JSON(http.StatusInternalServerError, gin.H{"error": "internal"})
		return nil, false
	}
	creds, err := a.portals.Credentials(p)
	if err != nil || auth.VerifyApplicationToken(creds.ApplicationToken) != nil {
		a.log.Warn("call with a wrong application token refused", "member_id", auth.MemberID, "call", what)
		c.JSON(http.StatusUnauthorized, gin.H{"error": "bad_application_token"})
		return nil, false
	}
	return p, true
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
	case "ONCRMDYNAMICITEMADD": // a new contract joins the payment calendar at once (not only at the re-sync)
		if cp := p.Provisioned().CompanyPayments; cp.Provisioned() && ev.EntityTypeID() == cp.EntityTypeID {
			return a.finance.AcceptEvent(ctx, p.MemberID, finance.ItemEvent{ItemID: job.ID, UserID: job.UserID})
		}
		return nil
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
	if err := a.acceptCardEvent(ctx, p.MemberID, job); err != nil {
		return err
	}
	return a.instalments.AcceptEvent(ctx, p.MemberID, job)
}

// acceptCardEvent passes a contact or company edit to the cabinet too, whose profiles mirror
// the cards (docs: api-reference/crm/contacts/events/on-crm-contact-update.md,
// api-reference/crm/companies/events/on-crm-company-update.md: the event names only the ID).
func (a *App) acceptCardEvent(ctx context.Context, memberID string, job instalment.EventJob) error {
	if a.cabinet == nil || (job.Kind != instalment.EventContact && job.Kind != instalment.EventCompany) {
		return nil
	}
	return a.cabinet.AcceptCardEvent(ctx, memberID, cabinet.Card{Type: job.Kind, ID: job.ID})
}
