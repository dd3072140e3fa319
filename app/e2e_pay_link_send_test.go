package app

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestManagerSendsPayLinkToTheClient (issue 18, item 5): a live pay link goes to the client's
// e-mail through the outbox, into the client's open channel chat (from the manager) and to the
// card's timeline (a lead's here, so ENTITY_TYPE is lead),
// once per payment and place however often it is clicked, and the history says so. A client
// without an e-mail and a link that no longer works are refused in Russian.
func TestManagerSendsPayLinkToTheClient(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newE2E(t, dialect, withSBP(t))
		status, _ := e.install()
		require.Equal(t, http.StatusOK, status)
		lead, _, action, fields := e.leadTab(map[string]any{"NAME": "Пётр", "LAST_NAME": "Сидоров",
			"EMAIL": []any{map[string]any{"VALUE": "petr@example.ru", "VALUE_TYPE": "WORK"}}})
		token := e.openTabAt(action, fields)
		var s scheduleResponse
		require.Equal(t, http.StatusCreated, e.api(token, http.MethodPost, "/schedule", twelveMonths(), &s))
		pay := e.pay(token, s.Schedule.Instalments[0].ID, "sbp")
		send := func(channel string, out any) int {
			return e.api(token, http.MethodPost, "/payments/"+pay.Payment.ID+"/send", map[string]string{"channel": channel}, out)
		}

		var sent struct{ To string }
		require.Equal(t, http.StatusOK, send("email", &sent))
		require.Equal(t, "petr@example.ru", sent.To)
		require.Equal(t, http.StatusOK, send("email", nil), "a second click is answered the same")
		require.Equal(t, http.StatusOK, send("timeline", nil))
		require.Equal(t, http.StatusOK, send("timeline", nil))
		require.Equal(t, http.StatusBadRequest, send("sms", nil))
		var refused struct{ Error, Message string }
		require.Equal(t, http.StatusConflict, send("chat", &refused), "no open channel chat with the client yet")
		require.Equal(t, "no_client_chat", refused.Error)
		chat := e.portal.AddOpenLineChat("lead", lead, 2)
		require.Equal(t, http.StatusOK, send("chat", nil))
		e.drain()

		link := e.app.cfg.PublicURL + pay.Payment.PayURL
		var letters []mailboxLetter
		for _, m := range (&cabinetE2E{e2e: e}).mailbox(t) {
			if strings.Contains(m.text, link) {
				letters = append(letters, m)
			}
		}
		require.Len(t, letters, 1, "one e-mail with the link")
		require.Equal(t, "petr@example.ru", letters[0].to)
		require.Contains(t, letters[0].text, "платёж №1 по графику")
		require.Contains(t, letters[0].text, "10\u00a0000,00\u00a0₽")
		comments := e.portal.TimelineComments("lead", lead)
		require.Len(t, comments, 1, "one timeline comment")
		require.Contains(t, comments[0], link)
		require.Contains(t, comments[0], "Ссылка на оплату платежа №1 (10\u00a0000,00\u00a0₽, СБП)")
		messages := e.portal.OpenLineMessages(chat)
		require.Len(t, messages, 1, "one chat message, from the manager")
		require.Equal(t, comments[0], messages[0])

		var tab struct {
			Schedule struct {
				History []struct{ Actor, Text string }
			}
		}
		require.Equal(t, http.StatusOK, e.api(token, http.MethodGet, "/tab", nil, &tab))
		var said []string
		for _, h := range tab.Schedule.History {
			said = append(said, h.Actor+": "+h.Text)
		}
		require.Contains(t, said, "Иван Менеджеров: ссылка на оплату платежа №1 отправлена на petr@example.ru")
		require.Contains(t, said, "Иван Менеджеров: ссылка на оплату платежа №1 отправлена в ленту карточки")
		require.Contains(t, said, "Иван Менеджеров: ссылка на оплату платежа №1 отправлена в чат с клиентом")

		// A client without an e-mail: the reason, and nothing queued.
		_, _, action, fields = e.leadTab(map[string]any{"NAME": "Олег"})
		other := e.openTabAt(action, fields)
		require.Equal(t, http.StatusCreated, e.api(other, http.MethodPost, "/schedule", twelveMonths(), &s))
		otherPay := e.pay(other, s.Schedule.Instalments[0].ID, "sbp")
		require.Equal(t, http.StatusConflict, e.api(other, http.MethodPost, "/payments/"+otherPay.Payment.ID+"/send",
			map[string]string{"channel": "email"}, &refused))
		require.Equal(t, "no_client_email", refused.Error)
		require.Contains(t, refused.Message, "нет e-mail")

		// A link that is no longer live is not sent.
		require.Equal(t, http.StatusOK, e.api(token, http.MethodDelete, "/schedule", nil, nil))
		require.Equal(t, http.StatusConflict, send("timeline", &refused))
		require.Equal(t, "link_not_live", refused.Error)
	})
}
