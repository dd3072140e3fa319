package bitrix_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"

	"b24pay/bitrix"
	"b24pay/bitrix/b24fake"
)

// A client per portal: credentials from storage in, refreshed tokens out
// through the persistence callback; list traversal with chained batches.
func Example() {
	portal := b24fake.New(b24fake.Options{ClientID: "local.1", ClientSecret: "s", Rate: 100, Burst: 50})
	srv := httptest.NewServer(portal)
	defer srv.Close()
	portal.SetBaseURL(srv.URL)
	access, refresh := portal.InstallTokens()

	limiters := bitrix.NewLimiters() // one per process, shared by all clients
	client, err := bitrix.New(
		bitrix.Config{ClientID: "local.1", ClientSecret: "s", Rate: 100, Burst: 48, Limiters: limiters},
		bitrix.Credentials{
			MemberID: portal.MemberID(), ClientEndpoint: portal.ClientEndpoint(),
			ServerEndpoint: portal.ServerEndpoint(), AccessToken: access, RefreshToken: refresh,
		},
		func(_ context.Context, c bitrix.Credentials) error {
			fmt.Println("store the new token pair before it is used")
			return nil
		})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	portal.ExpireAccessTokens()
	for i := range 3 {
		if _, err := client.ItemAdd(ctx, 31, map[string]any{"title": fmt.Sprint("Счёт ", i+1)}); err != nil {
			panic(err)
		}
	}
	_ = client.ItemList(ctx, 31, nil, []string{"title"}, func(it *bitrix.Item) error {
		var f struct{ Title string }
		_ = it.Decode(&f)
		fmt.Println(it.ID, f.Title)
		return nil
	})
	_, err = client.ItemGet(ctx, 31, 999)
	fmt.Println(errors.Is(err, bitrix.ErrNotFound))
	// Output:
	// store the new token pair before it is used
	// 1 Счёт 1
	// 2 Счёт 2
	// 3 Счёт 3
	// true
}
