package b24fake

import (
	"slices"
	"strings"
)

// openLineChat is an open channel chat linked to a CRM entity (api-reference/imopenlines/openlines/
// chats/index.md): the client writes in from a connector; the users are the employees in the chat.
type openLineChat struct {
	id         int
	entityType string // lead | deal | company | contact
	entityID   int
	active     bool
	users      []int
	messages   []string
}

// AddOpenLineChat links a new open channel chat (the live chat connector) to a CRM entity, with the
// given employees in it, and returns its id.
func (p *Portal) AddOpenLineChat(entityType string, entityID int, users ...int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.state
	c := &openLineChat{id: 9850 + len(s.chats) + 1, entityType: strings.ToLower(entityType), entityID: entityID, active: true, users: users}
	s.chats = append(s.chats, c)
	return c.id
}

// OpenLineMessages lists the texts sent into a chat by imopenlines.crm.message.add.
func (p *Portal) OpenLineMessages(chatID int) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.state.chats {
		if c.id == chatID {
			return slices.Clone(c.messages)
		}
	}
	return nil
}

var crmChatTypes = map[string]bool{"lead": true, "deal": true, "company": true, "contact": true}

// crmChatGet is imopenlines.crm.chat.get
// (api-reference/imopenlines/openlines/chats/imopenlines-crm-chat-get.md): the chats of a CRM
// object, active ones only unless ACTIVE_ONLY is N.
func crmChatGet(c *call) (any, error) {
	entityType := strings.ToLower(c.ps.str("CRM_ENTITY_TYPE"))
	entityID, _ := c.ps.int("CRM_ENTITY")
	if !crmChatTypes[entityType] || entityID <= 0 {
		return nil, apiErr("ERROR_ARGUMENT", "Argument CRM_ENTITY_TYPE or CRM_ENTITY is incorrect")
	}
	all := strings.EqualFold(c.ps.str("ACTIVE_ONLY"), "N")
	out := []map[string]any{}
	for _, ch := range c.p.state.chats {
		if ch.entityType == entityType && ch.entityID == entityID && (ch.active || all) {
			out = append(out, map[string]any{"CHAT_ID": itoa(ch.id), "CONNECTOR_ID": "livechat", "CONNECTOR_TITLE": "Live Chat"})
		}
	}
	return out, nil
}

// crmMessageAdd is imopenlines.crm.message.add
// (api-reference/imopenlines/openlines/messages/imopenlines-crm-message-add.md): a message from an
// employee of the chat into the chat linked to the CRM object.
func crmMessageAdd(c *call) (any, error) {
	entityType := strings.ToLower(c.ps.str("CRM_ENTITY_TYPE"))
	entityID, _ := c.ps.int("CRM_ENTITY")
	userID, _ := c.ps.int("USER_ID")
	chatID, _ := c.ps.int("CHAT_ID")
	msg := strings.TrimSpace(c.ps.str("MESSAGE"))
	for i, missing := range []bool{entityType == "", entityID <= 0, userID <= 0, msg == ""} {
		if missing {
			return nil, apiErr("ERROR_ARGUMENT", "Argument `"+[]string{"CRM_ENTITY_TYPE", "CRM_ENTITY", "USER_ID", "MESSAGE"}[i]+"` is null or empty")
		}
	}
	s := c.p.state
	i := slices.IndexFunc(s.chats, func(ch *openLineChat) bool { return ch.id == chatID })
	if i < 0 || s.chats[i].entityType != entityType || s.chats[i].entityID != entityID {
		return nil, apiErr("CHAT_NOT_IN_CRM", "Chat does not belong to the CRM entity being checked")
	}
	ch := s.chats[i]
	if !slices.Contains(ch.users, userID) {
		return nil, apiErr("CANCELED", "Вы не можете отправлять сообщения в указанный чат")
	}
	ch.messages = append(ch.messages, msg)
	s.nextMessage++
	return 19880116 + s.nextMessage, nil
}
