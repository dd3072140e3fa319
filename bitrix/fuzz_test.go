package bitrix_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/bitrix"
)

func FuzzParseEvent(f *testing.F) {
	for _, s := range []url.Values{sampleAppInstall, sampleItemUpdate, sampleUninstall, sampleRobot} {
		f.Add(s.Encode())
	}
	f.Add("event=X&auth[member_id]=m&auth[application_token]=t&data[a][]=1&data[a][]=2")
	f.Add("event=&auth[")
	f.Add("%zz")
	f.Fuzz(func(t *testing.T, body string) {
		v, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		e, err := bitrix.ParseEvent(v)
		if err != nil {
			require.ErrorIs(t, err, bitrix.ErrMalformedRequest)
			return
		}
		require.NotEmpty(t, e.Name)
		require.NotEmpty(t, e.Auth.MemberID)
		require.NotEmpty(t, e.Auth.ApplicationToken)
		require.NotNil(t, e.Data)
		_, _ = e.FieldID()
		_ = e.EntityTypeID()
	})
}

func FuzzParseAppForm(f *testing.F) {
	f.Add(sampleInstallQuery, sampleInstallBody)
	f.Add(samplePlacementQuery, samplePlacementBody)
	f.Add("DOMAIN=a.ru", "AUTH_ID=x&member_id=m&PLACEMENT=CRM_DYNAMIC_999999999_DETAIL_TAB&PLACEMENT_OPTIONS=%7B%22ID%22%3A1e30%7D")
	f.Add("DOMAIN=a.ru", "AUTH_ID=x&member_id=m&PLACEMENT_OPTIONS=%7B%7D%7B%7D")
	f.Fuzz(func(t *testing.T, query, body string) {
		q, err1 := url.ParseQuery(query)
		b, err2 := url.ParseQuery(body)
		if err1 != nil || err2 != nil {
			return
		}
		a, err := bitrix.ParseAppForm(q, b)
		if err != nil {
			require.ErrorIs(t, err, bitrix.ErrMalformedRequest)
			return
		}
		require.NotEmpty(t, a.MemberID)
		require.NotEmpty(t, a.AuthID)
		if tgt, err := a.Target(); err == nil {
			require.Positive(t, int64(tgt.ID))
		} else {
			require.ErrorIs(t, err, bitrix.ErrMalformedRequest)
		}
		_, err = url.Parse(a.ClaimedEndpoint())
		require.NoError(t, err)
	})
}

func FuzzParseRobot(f *testing.F) {
	f.Add(sampleRobot.Encode())
	f.Add("document_id[]=crm&document_id[]=x&document_id[]=DYNAMIC_1_2&auth[member_id]=m&auth[application_token]=t")
	f.Add("properties[a][0]=1&properties[a][2]=3&properties[a]=x")
	f.Fuzz(func(t *testing.T, body string) {
		v, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		r, err := bitrix.ParseRobot(v)
		if err != nil {
			require.ErrorIs(t, err, bitrix.ErrMalformedRequest)
			return
		}
		require.Len(t, r.DocumentID, 3)
		if doc, err := r.Document(); err == nil {
			require.Positive(t, doc.EntityTypeID)
			require.Positive(t, int64(doc.ID))
		}
	})
}
