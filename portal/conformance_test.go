package portal_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/bitrix"
	"b24pay/portal"
)

// Provisioning parses the docs' own answers: a portal that answers every method with the recorded
// answer of the conformance table (bitrix/b24fake/testdata/conformance) is provisioned to the end.
func TestConformanceProvisionParsesTheRecordedAnswers(t *testing.T) {
	t.Parallel()
	answers := map[string]json.RawMessage{}
	files, err := filepath.Glob("../bitrix/b24fake/testdata/conformance/*.json")
	require.NoError(t, err)
	for _, f := range files {
		var row struct {
			Method string          `json:"method"`
			Status int             `json:"status"`
			Answer json.RawMessage `json:"answer"`
		}
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &row))
		if row.Status == http.StatusOK && filepath.Base(f) == row.Method+".json" {
			answers[row.Method] = row.Answer
		}
	}
	var mu sync.Mutex
	called := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		method := strings.TrimPrefix(r.URL.Path, "/rest/")
		mu.Lock()
		called[method]++
		mu.Unlock()
		answer, ok := answers[method]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":"ERROR_METHOD_NOT_FOUND","error_description":"Method not found!"}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}))
	t.Cleanup(srv.Close)
	cfg := bitrix.Config{ClientID: "c", ClientSecret: "s", Rate: 1000, Burst: 1000, RetryBase: time.Millisecond, RetryMax: time.Millisecond,
		Limiters: bitrix.NewLimiters()}
	cl, err := bitrix.New(cfg, bitrix.Credentials{MemberID: "m", ClientEndpoint: srv.URL + "/rest/", AccessToken: "a"},
		func(context.Context, bitrix.Credentials) error { return nil })
	require.NoError(t, err)

	v, err := portal.Provision(context.Background(), cl, handlers)
	require.NoError(t, err)
	require.Equal(t, 16, v.SPATypeID, "crm-type-add.md's example type")
	require.Equal(t, 2024, v.SPAEntityTypeID)
	require.Equal(t, "WON", v.Stages["paid"], "the example pipeline's success stage")
	require.Equal(t, "LOSE", v.Stages["cancelled"], "its first failure stage")
	require.Equal(t, 6, v.PaySystems, "two routes × the three payer types of sale-person-type-list.md")
	require.Equal(t, 2, called["crm.type.add"], "the instalment and the company payments smart process")
	require.Equal(t, "WON", v.CompanyPayments.Stages["paid"])
}
