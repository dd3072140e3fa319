package cabinet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"b24pay/bitrix"
)

// Clients gives the Bitrix24 client of a portal (portal.Clients).
type Clients interface {
	For(ctx context.Context, memberID string) (*bitrix.Client, error)
}

// B24Cards matches accounts to Bitrix24 contacts and companies: a person is a contact; an ИП and a
// company are companies with a requisite of the ИП or organisation preset and a legal address.
// A creation retried after a lost answer finds the card it made by its e-mail instead of making a
// second one.
type B24Cards struct {
	Clients Clients
}

// Bitrix24 constants (docs pages in the comments).
const (
	etContact, etCompany = 3, 4 // crm.enum.ownertype
	etRequisite          = 8
	addressLegal         = 6 // crm.enum.addresstype: «Legal address»
	countryRussia        = 1 // crm.requisite.preset.countries
	presetCompanyXML     = "#CRM_REQUISITE_PRESET_DEF_RU_COMPANY#"
	presetIPXML          = "#CRM_REQUISITE_PRESET_DEF_RU_INDIVIDUAL#"
)

// Match looks the client up by e-mail, ИНН (requisites) and phone (crm.duplicate.findbycomm), in
// that order, and creates the card when nothing is found. Only a card found by the verified e-mail
// or created here is Own: an ИНН or a phone anyone may type.
func (b B24Cards) Match(ctx context.Context, memberID string, p Profile) (Card, error) {
	cl, err := b.Clients.For(ctx, memberID)
	if err != nil {
		return Card{}, err
	}
	c, err := find(ctx, cl, p)
	if err != nil || c.ID != 0 {
		return c, err
	}
	return create(ctx, cl, p)
}

func cardType(p Profile) (cardType, entityType string) {
	if p.Kind == KindPerson {
		return CardContact, "CONTACT"
	}
	return CardCompany, "COMPANY"
}

func find(ctx context.Context, cl *bitrix.Client, p Profile) (Card, error) {
	typ, entity := cardType(p)
	byComm := func(commType string, values []string, own bool) (Card, error) {
		found, err := cl.FindByComm(ctx, commType, entity, values)
		if ids := found[entity]; err == nil && len(ids) > 0 {
			return Card{Type: typ, ID: int64(lowest(ids)), Own: own}, nil
		}
		return Card{}, err
	}
	if c, err := byComm("EMAIL", []string{p.Email}, true); err != nil || c.ID != 0 { // the e-mail is verified
		return c, err
	}
	if p.INN != "" {
		rows, err := cl.RequisitesWhere(ctx, map[string]any{"RQ_INN": p.INN, "ENTITY_TYPE_ID": etCompany})
		if err != nil {
			return Card{}, err
		}
		for _, r := range rows {
			var rq struct {
				EntityID bitrix.ID `json:"ENTITY_ID"`
			}
			if json.Unmarshal(r, &rq) == nil && rq.EntityID != 0 {
				return Card{Type: CardCompany, ID: int64(rq.EntityID)}, nil // an ИНН is public: no proof
			}
		}
	}
	return byComm("PHONE", phoneForms(p.Phone), false) // a phone is not verified: no proof
}

// phoneForms are the ways a Russian number may be written in a card: +7…, 7… and 8…; the docs
// do not say how the portal compares them, so each is asked for.
func phoneForms(phone string) []string {
	if !strings.HasPrefix(phone, "+7") || len(phone) != 12 {
		return []string{phone}
	}
	return []string{phone, phone[1:], "8" + phone[2:]}
}

func lowest(ids []bitrix.ID) bitrix.ID {
	m := ids[0]
	for _, id := range ids[1:] {
		m = min(m, id)
	}
	return m
}

func comms(p Profile) map[string]any {
	return map[string]any{"EMAIL": []any{map[string]any{"VALUE": p.Email, "VALUE_TYPE": "WORK"}},
		"PHONE": []any{map[string]any{"VALUE": p.Phone, "VALUE_TYPE": "WORK"}}}
}

func create(ctx context.Context, cl *bitrix.Client, p Profile) (Card, error) {
	fields := comms(p)
	if p.Kind == KindPerson {
		fields["NAME"], fields["SOURCE_DESCRIPTION"] = p.Name, "Личный кабинет"
		id, err := cl.ContactAdd(ctx, fields)
		return Card{Type: CardContact, ID: int64(id), Own: true}, err
	}
	fields["TITLE"], fields["SOURCE_DESCRIPTION"] = p.LegalName, "Личный кабинет"
	id, err := cl.CompanyAdd(ctx, fields)
	if err != nil {
		return Card{}, err
	}
	c := Card{Type: CardCompany, ID: int64(id), Own: true}
	return c, addRequisite(ctx, cl, c, p)
}

func addRequisite(ctx context.Context, cl *bitrix.Client, c Card, p Profile) error {
	preset, err := presetID(ctx, cl, p.Kind)
	if err != nil {
		return err
	}
	fields := requisiteFields(p)
	fields["ENTITY_TYPE_ID"], fields["ENTITY_ID"], fields["PRESET_ID"], fields["NAME"] = etCompany, c.ID, preset, p.LegalName
	rq, err := cl.RequisiteAdd(ctx, fields)
	if err != nil {
		return err
	}
	return cl.AddressAdd(ctx, map[string]any{"TYPE_ID": addressLegal, "ENTITY_TYPE_ID": etRequisite, "ENTITY_ID": rq,
		"ADDRESS_1": p.LegalAddress})
}

func requisiteFields(p Profile) map[string]any {
	if p.Kind == KindIP {
		return map[string]any{"RQ_NAME": p.LegalName, "RQ_INN": p.INN}
	}
	return map[string]any{"RQ_COMPANY_NAME": p.LegalName, "RQ_COMPANY_FULL_NAME": p.LegalName, "RQ_INN": p.INN, "RQ_KPP": p.KPP}
}

// presetID finds the portal's default ИП or organisation template by its reserved XML_ID.
func presetID(ctx context.Context, cl *bitrix.Client, kind string) (bitrix.ID, error) {
	want := presetCompanyXML
	if kind == KindIP {
		want = presetIPXML
	}
	rows, err := cl.RequisitePresets(ctx, countryRussia)
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		var pr struct {
			ID    bitrix.ID `json:"ID"`
			XMLID string    `json:"XML_ID"`
		}
		if json.Unmarshal(r, &pr) == nil && pr.XMLID == want {
			return pr.ID, nil
		}
	}
	return 0, fmt.Errorf("cabinet: the portal has no requisite template %s", want)
}

// Update writes the name, phone and requisites into the card. The phone is added to the card's
// phones (Bitrix24 keeps a list; the manager's numbers are not removed).
func (b B24Cards) Update(ctx context.Context, memberID string, c Card, p Profile) error {
	cl, err := b.Clients.For(ctx, memberID)
	if err != nil {
		return err
	}
	fields := map[string]any{"PHONE": []any{map[string]any{"VALUE": p.Phone, "VALUE_TYPE": "WORK"}}}
	if c.Type == CardContact {
		fields["NAME"], fields["LAST_NAME"] = p.Name, "" // the cabinet has one name field; Read joins the two
	} else {
		fields["TITLE"] = p.LegalName
	}
	if found, err := cl.FindByComm(ctx, "PHONE", map[string]string{CardContact: "CONTACT", CardCompany: "COMPANY"}[c.Type],
		phoneForms(p.Phone)); err != nil {
		return err
	} else if hasID(found, c.ID) {
		delete(fields, "PHONE")
	}
	if err := cl.LegacyUpdate(ctx, c.Type, bitrix.ID(c.ID), fields); err != nil {
		return err
	}
	if c.Type != CardCompany || p.INN == "" {
		return nil
	}
	return updateRequisite(ctx, cl, c, p)
}

func hasID(d bitrix.Duplicates, id int64) bool {
	for _, ids := range d {
		for _, x := range ids {
			if int64(x) == id {
				return true
			}
		}
	}
	return false
}

func updateRequisite(ctx context.Context, cl *bitrix.Client, c Card, p Profile) error {
	rows, err := cl.RequisitesWhere(ctx, map[string]any{"ENTITY_TYPE_ID": etCompany, "ENTITY_ID": c.ID})
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return addRequisite(ctx, cl, c, p)
	}
	var rq struct {
		ID bitrix.ID `json:"ID"`
	}
	if err := json.Unmarshal(rows[0], &rq); err != nil {
		return err
	}
	if err := cl.RequisiteUpdate(ctx, rq.ID, requisiteFields(p)); err != nil {
		return err
	}
	addr := map[string]any{"TYPE_ID": addressLegal, "ENTITY_TYPE_ID": etRequisite, "ENTITY_ID": rq.ID, "ADDRESS_1": p.LegalAddress}
	err = cl.AddressUpdate(ctx, addr)
	if errors.Is(err, bitrix.ErrNotFound) {
		return cl.AddressAdd(ctx, addr)
	}
	return err
}
