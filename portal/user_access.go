package portal

import (
	"context"
	"errors"

	"b24pay/bitrix"
)

// userClient calls the configured portal (never a host from the request) with a user's token from
// a page request. Such a token is never refreshed: the page has no refresh token.
func (c *Clients) userClient(memberID, accessToken string) (*bitrix.Client, error) {
	creds := bitrix.Credentials{MemberID: memberID, ClientEndpoint: c.endpoints.Client, ServerEndpoint: c.endpoints.Server,
		AccessToken: accessToken}
	return bitrix.New(c.cfg, creds, func(context.Context, bitrix.Credentials) error {
		return errors.New("a user token from a page request is never refreshed")
	})
}

// CanRead asks the portal, as the user, for the deal or lead (crm.deal.get / crm.lead.get;
// bitrix24/b24restdocs api-reference/crm/deals/crm-deal-get.md and leads/crm-lead-get.md). A user
// without read access gets 400 {"error":"","error_description":"Access denied"}, which is
// bitrix.ErrAccessDenied; a missing object is bitrix.ErrNotFound.
func (c *Clients) CanRead(ctx context.Context, memberID, accessToken, ownerType string, id int64) error {
	cl, err := c.userClient(memberID, accessToken)
	if err != nil {
		return err
	}
	_, err = cl.CallIdempotent(ctx, "crm."+ownerType+".get", map[string]any{"id": id})
	return err
}
