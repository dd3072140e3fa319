package app

import (
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/subscriptions"
)

// The public page names how each route is paid; an SBP subscription is not «Карта».
func TestPaidWithTextPerRoute(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, route, title, want string
	}{
		{"CardSaved", subscriptions.RouteCard, "•••• 4444", "Карта •••• 4444"},
		{"CardNotYetSaved", subscriptions.RouteCard, "", ""},
		{"SBPBound", subscriptions.RouteSBP, "СБП", "СБП"},
		{"SBPWithBank", subscriptions.RouteSBP, "Сбербанк", "СБП Сбербанк"},
		{"SBPNotYetBound", subscriptions.RouteSBP, "", ""},
		{"Invoice", subscriptions.RouteInvoicebox, "", "Счёт"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, paidWithText(subscriptions.Subscription{Route: tc.route, CardTitle: tc.title}))
		})
	}
}
