package bitrix

import (
	"encoding/json"
	"errors"
	"testing"
)

func FuzzDecodeEnvelope(f *testing.F) {
	f.Add(200, []byte(`{"result":{"items":[]},"total":120,"next":50,"time":{"operating_reset_at":1767226800}}`))
	f.Add(401, []byte(`{"error":"expired_token","error_description":"The access token provided has expired."}`))
	f.Add(200, []byte(`{"result":{"result":[],"result_error":{"i1":{"error":"X"}},"result_total":[],"result_next":[],"result_time":[]},"time":{}}`))
	f.Add(200, []byte(`{"result":1,"error":0,"total":"1e400"}`))
	f.Add(503, []byte(`<html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		resp, err := decodeEnvelope("m", status, body)
		var ae *APIError
		switch {
		case err == nil:
			if resp.Result == nil || status >= 400 {
				t.Fatalf("success without result or with status %d", status)
			}
			_, _ = decodeBatch(resp, map[string]string{})
		case errors.As(err, &ae):
			if ae.Code == "" {
				t.Fatal("APIError without code")
			}
		case !errors.Is(err, ErrBadResponse):
			t.Fatalf("untyped error %v", err)
		}
		var id ID
		_ = json.Unmarshal(body, &id)
	})
}
