package b24fake_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// imopenlines-crm-chat-user-add.md: the user joins the object's chat (by default its last one), so
// imopenlines-crm-message-add.md then lets them write there; joining twice is harmless; no chat
// answers 0; a chat of another object is CHAT_NOT_IN_CRM; a user without access to the object is
// refused with ACCESS_DENIED.
func TestChatUserAddLetsTheUserWriteIntoTheChat(t *testing.T) {
	t.Parallel()
	b := setup(t)
	chat := b.p.AddOpenLineChat("deal", 42, 1)
	other := b.p.AddOpenLineChat("deal", 43, 1)
	msg := map[string]any{"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": 42, "USER_ID": 5, "CHAT_ID": chat, "MESSAGE": "Ссылка"}
	b.call(t, "imopenlines.crm.message.add", msg).failed(t, 400, "CANCELED")

	add := map[string]any{"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": 42, "USER_ID": 5}
	for range 2 {
		require.Equal(t, json.Number(strconv.Itoa(chat)), b.call(t, "imopenlines.crm.chat.user.add", add).ok(t), "the last chat of the deal")
	}
	b.call(t, "imopenlines.crm.message.add", msg).ok(t)
	require.Equal(t, []string{"Ссылка"}, b.p.OpenLineMessages(chat))

	require.Equal(t, json.Number("0"), b.call(t, "imopenlines.crm.chat.user.add",
		map[string]any{"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": 44, "USER_ID": 5}).ok(t), "no chat: 0")
	b.call(t, "imopenlines.crm.chat.user.add", map[string]any{"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": 42, "USER_ID": 5, "CHAT_ID": other}).
		failed(t, 400, "CHAT_NOT_IN_CRM")
	b.call(t, "imopenlines.crm.chat.user.add", map[string]any{"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": 42}).failed(t, 400, "ERROR_ARGUMENT")
	b.p.DenyRead(6, 2, 42)
	b.call(t, "imopenlines.crm.chat.user.add", map[string]any{"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": 42, "USER_ID": 6}).failed(t, 403, "ACCESS_DENIED")
}
