package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"

	"b24pay/bitrix/b24fake"
)

// SmartType is a smart process of the portal with its items, as the portal holds them.
type SmartType struct {
	EntityTypeID int         `json:"entity_type_id"`
	Title        string      `json:"title"`
	Items        []SmartItem `json:"items"`
}

// SmartItem is one item with its stage's name («Оплачен», «Просрочен», …).
type SmartItem struct {
	Fields    map[string]any `json:"fields"`
	StageName string         `json:"stage_name"`
}

// SmartItems reads every smart process and its items from the portal (crm.type.list, then the
// portal's own state).
func (s *Sandbox) SmartItems() ([]SmartType, error) {
	var list struct {
		Types []struct {
			EntityTypeID int    `json:"entityTypeId"`
			Title        string `json:"title"`
		} `json:"types"`
	}
	if err := (restAs{p: s.portal}).call("crm.type.list", map[string]any{}, &list); err != nil {
		return nil, err
	}
	out := []SmartType{}
	for _, t := range list.Types {
		st := SmartType{EntityTypeID: t.EntityTypeID, Title: t.Title, Items: []SmartItem{}}
		for _, it := range s.portal.Items(t.EntityTypeID) {
			st.Items = append(st.Items, SmartItem{Fields: it, StageName: stageName(s.portal, t.EntityTypeID, it)})
		}
		out = append(out, st)
	}
	return out, nil
}

func stageName(p *b24fake.Portal, etid int, item map[string]any) string {
	cat, _ := json.Marshal(item["categoryId"])
	for _, st := range p.Stages(fmt.Sprintf("DYNAMIC_%d_STAGE_%s", etid, cat)) {
		if st[0] == fmt.Sprint(item["stageId"]) {
			return st[1]
		}
	}
	return fmt.Sprint(item["stageId"])
}

// Entity is a deal or lead as the portal holds it: its fields (the debt field included) and its
// timeline.
type Entity struct {
	Kind     string         `json:"kind"`
	ID       int            `json:"id"`
	Fields   map[string]any `json:"fields"`
	Timeline []string       `json:"timeline"`
}

// Entity reads a deal or lead.
func (s *Sandbox) Entity(kind string, id int) (Entity, error) {
	etid := map[string]int{"deal": typeDeal, "lead": typeLead}[kind]
	if etid == 0 {
		return Entity{}, badRequest("kind %q is not deal or lead", kind)
	}
	fields, ok := s.portal.Item(etid, id)
	if !ok {
		return Entity{}, notFound("no %s %d in the portal", kind, id)
	}
	timeline := s.portal.TimelineComments(kind, id)
	if timeline == nil {
		timeline = []string{}
	}
	return Entity{Kind: kind, ID: id, Fields: fields, Timeline: timeline}, nil
}

// Notice is a Bitrix24 notification a user received (reminders, overdue instalments).
type Notice struct {
	Message string `json:"message"`
	Tag     string `json:"tag"`
}

// Notifications lists what a user currently has in their notifications.
func (s *Sandbox) Notifications(user int) []Notice {
	out := []Notice{}
	for _, n := range s.portal.Notifications(user) {
		out = append(out, Notice{Message: n.Message, Tag: n.Tag})
	}
	return out
}

// debtField is the name of the deal's debt field the app provisioned, as the portal renders it.
func debtField(fields map[string]any) string {
	for k := range fields {
		if strings.Contains(strings.ToUpper(k), "B24PAY_DEBT") {
			return k
		}
	}
	return ""
}
