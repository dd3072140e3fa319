package yookassa_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"b24pay/billing/yookassa"
)

func TestNotificationsAreRedeliveredAndVerifiedByGet(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.inbox.refuse = 1 // the first delivery gets 503 and must be repeated
	method := tb.savedCard(t)
	tb.shop.Wait()
	bodies := tb.inbox.all()
	require.Len(t, bodies, 1)
	n, err := yookassa.ParseNotification(bodies[0])
	require.NoError(t, err)
	require.Equal(t, yookassa.EventPaymentSucceeded, n.Event)
	require.Equal(t, method, n.ObjectID())
	require.Equal(t, method+":payment.succeeded:succeeded", n.DedupKey())
	p, err := tb.client.VerifyPayment(context.Background(), n)
	require.NoError(t, err)
	require.Equal(t, method, p.SavedMethodID())
	require.Len(t, tb.shop.Deliveries(), 2)
}

func TestForgedNotificationsAreRefused(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	method := tb.savedCard(t)
	ctx := context.Background()
	forged := `{"type":"notification","event":"payment.succeeded","object":{"id":"%s","status":"succeeded","amount":{"value":"%s","currency":"RUB"}}}`

	n, err := yookassa.ParseNotification(fmt.Appendf(nil, forged, "made-up", "990.00"))
	require.NoError(t, err)
	_, err = tb.client.VerifyPayment(ctx, n)
	require.ErrorIs(t, err, yookassa.ErrNotFound)

	n, err = yookassa.ParseNotification(fmt.Appendf(nil, forged, method, "9990.00"))
	require.NoError(t, err)
	_, err = tb.client.VerifyPayment(ctx, n)
	require.ErrorIs(t, err, yookassa.ErrNotificationMismatch)
}

func TestMalformedNotifications(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"NotJSON":     `{`,
		"WrongType":   `{"type":"event","event":"payment.succeeded","object":{"id":"x"}}`,
		"NoObjectID":  `{"type":"notification","event":"payment.succeeded","object":{}}`,
		"BadEvent":    `{"type":"notification","event":"succeeded","object":{"id":"x"}}`,
		"ObjectArray": `{"type":"notification","event":"payment.succeeded","object":[]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := yookassa.ParseNotification([]byte(body))
			require.ErrorIs(t, err, yookassa.ErrMalformedNotification)
		})
	}
}

func TestAllowlist(t *testing.T) {
	t.Parallel()
	a, err := yookassa.NewAllowlist(yookassa.NotificationNetworks)
	require.NoError(t, err)
	for ip, allowed := range map[string]bool{
		"185.71.76.5": true, "185.71.76.32": false, "77.75.156.11": true, "77.75.156.12": false,
		"::ffff:77.75.156.35": true, "2a02:5180:0:1509::1": true, "8.8.8.8": false, "not-an-ip": false, "": false,
	} {
		err := a.Allows(ip)
		if allowed {
			require.NoError(t, err, ip)
		} else {
			require.ErrorIs(t, err, yookassa.ErrForeignSource, ip)
		}
	}
	_, err = yookassa.NewAllowlist([]string{"300.1.1.1"})
	require.Error(t, err)
}
