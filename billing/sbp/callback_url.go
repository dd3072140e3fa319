package sbp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// SetCallbackURL tells the bank where to send payment callbacks (POST /api/settings/v1/callback).
// The bank signs callbacks with the key that authorised this call, i.e. Config.SecretKey.
func (cl *Client) SetCallbackURL(ctx context.Context, callbackURL string) error {
	u, err := url.Parse(callbackURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%w: callback URL %q must be an absolute http(s) URL", ErrInvalidRequest, callbackURL)
	}
	body := map[string]string{"callbackUrl": callbackURL}
	return cl.do(ctx, call{op: "set callback URL", method: http.MethodPost, path: "/api/settings/v1/callback",
		body: body, auth: true, mutating: true}, nil)
}
