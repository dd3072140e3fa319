package b24fake

import (
	"net/http"
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

// crmEntityTypeIDs are the CRM entity type ids of the types an open channel chat links to.
var crmEntityTypeIDs = map[string]int{"lead": 1, "deal": 2, "contact": 3, "company": 4}

// crmChatUserAdd is imopenlines.crm.chat.user.add
// (api-reference/imopenlines/openlines/chats/imopenlines-crm-chat-user-add.md): adds a user to the
// chat linked to the CRM object (by default its last chat) and answers the chat's id, or 0 when no
// CHAT_ID was given and the object has no chat. The caller and the added user must both have access
// to the object. A user already in the chat stays there once.
func crmChatUserAdd(c *call) (any, error) {
	entityType := strings.ToLower(c.ps.str("CRM_ENTITY_TYPE"))
	entityID, _ := c.ps.int("CRM_ENTITY")
	userID, _ := c.ps.int("USER_ID")
	chatID, _ := c.ps.int("CHAT_ID")
	switch {
	case entityType == "":
		return nil, apiErr("ERROR_ARGUMENT", "Argument CRM_ENTITY_TYPE is null or empty")
	case entityID <= 0:
		return nil, apiErr("ERROR_ARGUMENT", "Argument CRM_ENTITY is null or empty")
	case userID <= 0:
		return nil, apiErr("ERROR_ARGUMENT", "Argument Empty USER_ID is null or empty")
	}
	typeID := crmEntityTypeIDs[entityType]
	if !c.p.canRead(c.userID, typeID, entityID) {
		return nil, &APIError{Status: http.StatusForbidden, Code: "ACCESS_DENIED", Description: "Access denied! You don't have access to join user to chat"}
	}
	if !c.p.canRead(userID, typeID, entityID) {
		return nil, &APIError{Status: http.StatusForbidden, Code: "ACCESS_DENIED",
			Description: "Access denied! This user does not have access to the chat because he does not have access to this CRM object"}
	}
	var ch *openLineChat
	for _, x := range c.p.state.chats {
		if chatID == 0 && x.entityType == entityType && x.entityID == entityID {
			ch = x // the last one linked to the object
		}
		if chatID != 0 && x.id == chatID {
			ch = x
		}
	}
	if ch == nil && chatID == 0 {
		return 0, nil
	}
	if ch == nil || ch.entityType != entityType || ch.entityID != entityID {
		return nil, apiErr("CHAT_NOT_IN_CRM", "Chat does not belong to the CRM object being checked")
	}
	if !slices.Contains(ch.users, userID) {
		ch.users = append(ch.users, userID)
	}
	return ch.id, nil
}
