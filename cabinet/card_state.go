package cabinet

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"b24pay/bitrix"
)

// CardState is what a Bitrix24 card says of the profile fields it mirrors: a contact its name and
// phones, a company its title and first requisite (ИНН, КПП, legal address).
type CardState struct {
	Name, LegalName, INN, KPP, LegalAddress string
	Phones                                  []string
	Modified                                time.Time // DATE_MODIFY
}

// Read reads the card (crm.contact.get / crm.company.get), and for a company its first requisite
// (crm.requisite.list) and that requisite's legal address (crm.address.list, TYPE_ID 6, the
// ADDRESS_1 line the cabinet itself writes).
func (b B24Cards) Read(ctx context.Context, memberID string, c Card) (CardState, error) {
	cl, err := b.Clients.For(ctx, memberID)
	if err != nil {
		return CardState{}, err
	}
	raw, err := cl.LegacyGet(ctx, c.Type, bitrix.ID(c.ID))
	if err != nil {
		return CardState{}, err
	}
	var card struct {
		Name     string `json:"NAME"`
		LastName string `json:"LAST_NAME"`
		Title    string `json:"TITLE"`
		Modified string `json:"DATE_MODIFY"` // ISO 8601 with the portal's offset
		Phone    []struct {
			Value string `json:"VALUE"`
		} `json:"PHONE"`
	}
	if err := json.Unmarshal(raw, &card); err != nil {
		return CardState{}, err
	}
	st := CardState{Name: strings.TrimSpace(card.Name + " " + card.LastName), LegalName: card.Title}
	st.Modified, _ = time.Parse(time.RFC3339, card.Modified)
	for _, p := range card.Phone {
		st.Phones = append(st.Phones, p.Value)
	}
	if c.Type != CardCompany {
		return st, nil
	}
	rows, err := cl.RequisitesWhere(ctx, map[string]any{"ENTITY_TYPE_ID": etCompany, "ENTITY_ID": c.ID})
	if err != nil || len(rows) == 0 {
		return st, err
	}
	var rq struct {
		ID  bitrix.ID `json:"ID"`
		INN string    `json:"RQ_INN"`
		KPP string    `json:"RQ_KPP"`
	}
	if err := json.Unmarshal(rows[0], &rq); err != nil {
		return st, err
	}
	st.INN, st.KPP = rq.INN, rq.KPP
	addrs, err := cl.Addresses(ctx, map[string]any{"ENTITY_TYPE_ID": etRequisite, "ENTITY_ID": rq.ID, "TYPE_ID": addressLegal})
	if err != nil {
		return st, err
	}
	for _, a := range addrs {
		var addr struct {
			Line1 string `json:"ADDRESS_1"`
		}
		if json.Unmarshal(a, &addr) == nil && addr.Line1 != "" {
			st.LegalAddress = addr.Line1
		}
	}
	return st, nil
}
