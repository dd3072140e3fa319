package app

import (
	"context"
	"errors"
	"strings"

	"b24pay/bitrix"
	"b24pay/portal"
)

// Reasons a Bitrix24 page request is refused.
var (
	errForeignPortal = errors.New("the request names another Bitrix24 portal")
	errNotInstalled  = errors.New("the application is not installed on this portal")
	errBadAppToken   = errors.New("application token does not match")
	errTokenRejected = errors.New("Bitrix24 did not accept the user's token")
)

// checkClaims refuses requests naming a domain other than the configured portal, or a member id
// other than the one installed. Nothing the request names is ever called.
func (a *App) checkClaims(ctx context.Context, domain, memberID string) error {
	if !strings.EqualFold(domain, a.cfg.B24.PortalHost()) || memberID == "" {
		return errForeignPortal
	}
	p, err := a.portals.Current(ctx)
	switch {
	case errors.Is(err, portal.ErrNotFound):
		return nil
	case err != nil:
		return err
	case p.MemberID != memberID:
		return errForeignPortal
	}
	return nil
}

// verifyPage checks a placement or app page request: the portal is ours and installed, the
// application token (when sent) matches, and the user's token is live on the configured portal.
func (a *App) verifyPage(ctx context.Context, req *bitrix.AppRequest) (*bitrix.Profile, error) {
	if err := a.checkClaims(ctx, req.Domain, req.MemberID); err != nil {
		return nil, err
	}
	p, err := a.portals.Get(ctx, req.MemberID)
	if errors.Is(err, portal.ErrNotFound) || (err == nil && !p.Installed()) {
		return nil, errNotInstalled
	}
	if err != nil {
		return nil, err
	}
	if req.ApplicationToken != "" {
		creds, err := a.portals.Credentials(p)
		if err != nil {
			return nil, err
		}
		if req.VerifyApplicationToken(creds.ApplicationToken) != nil {
			return nil, errBadAppToken
		}
	}
	profile, err := a.b24.Verify(ctx, req.MemberID, req.AuthID)
	if err != nil && unreachable(err) {
		return nil, errors.Join(errPortalUnreachable, err)
	}
	if err != nil {
		a.log.Warn("placement token rejected by Bitrix24", "member_id", req.MemberID, "err", err)
		return nil, errTokenRejected
	}
	return profile, nil
}
