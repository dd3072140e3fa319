package b24fake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzServeREST feeds arbitrary methods and bodies to the portal: it must answer with a JSON
// envelope or a JSON error, never panic.
func FuzzServeREST(f *testing.F) {
	f.Add("crm.item.add", "application/json", `{"entityTypeId":31,"fields":{"title":"x","opportunity":"1.5"}}`)
	f.Add("crm.item.list", "application/x-www-form-urlencoded", "entityTypeId=31&filter[>id]=0&order[id]=ASC&start=-1&select[]=id")
	f.Add("batch", "application/json", `{"halt":1,"cmd":{"a":"crm.item.add?entityTypeId=31&fields[title]=A","b":"crm.item.get?entityTypeId=31&id=$result[a][item][id]"}}`)
	f.Add("batch", "application/x-www-form-urlencoded", "cmd[a]=crm.item.list%3FentityTypeId%3D31&cmd[b]=crm.item.get%3Fid%3D$result[a][items][0][id]%26entityTypeId%3D31")
	f.Add("crm.deal.add", "application/x-www-form-urlencoded", "fields[TITLE]=%zz&fields[PHONE][0][VALUE]=1&fields[]=x&a[b][c][]=d")
	f.Add("crm.item.productrow.set", "application/json", `{"ownerType":"T80","ownerId":1,"productRows":[{"price":"1e999"}]}`)
	f.Add("crm.type.add", "application/json", `{"fields":{"title":"T","entityTypeId":1030}}`)
	f.Add("crm.status.list", "application/json", `{"filter":{"@ENTITY_ID":["STATUS"],"logic":"OR","0":{"x":1}}}`)
	f.Fuzz(func(t *testing.T, method, contentType, body string) {
		p := New(Options{Rate: 1e9, Burst: 1 << 30})
		access, _ := p.InstallTokens()
		p.SetBaseURL("http://portal.test")
		req := httptest.NewRequest(http.MethodPost, "http://portal.test/rest/"+url.PathEscape(method)+"?auth="+access, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		p.ServeHTTP(rec, req)
		if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			var v map[string]any
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &v), rec.Body.String())
			_, hasResult := v["result"]
			_, hasError := v["error"]
			require.True(t, hasResult || hasError, rec.Body.String())
		}
	})
}

// FuzzFormTree checks that nested form keys never panic and keep every top-level name.
func FuzzFormTree(f *testing.F) {
	for _, s := range []string{"fields[TITLE]=a", "select[]=a&select[]=b", "a[0][b]=1&a[1][b]=2", "a[=x&a]=y", "[]=1", "a[b]=1&a=2", "a=1&a[b]=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		vals := lenientQuery(q)
		tree := formTree(vals)
		for k := range vals {
			if name := splitKey(k)[0]; name != "" {
				require.Contains(t, tree, name)
			}
		}
	})
}
