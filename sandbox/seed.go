package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"b24pay/bitrix/b24fake"
)

// Entity type ids of the CRM objects the sandbox seeds (crm.item numbering).
const (
	typeLead    = 1
	typeDeal    = 2
	typeCompany = 4
)

// Person is a seeded portal user.
type Person struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Role  string `json:"role"` // «администратор» or «менеджер»
	Admin bool   `json:"admin"`
}

// Entry is a seeded deal or lead.
type Entry struct {
	Kind        string `json:"kind"` // deal | lead
	ID          int    `json:"id"`
	Title       string `json:"title"`
	Amount      string `json:"amount"` // major units, RUB
	Client      string `json:"client"`
	Responsible int    `json:"responsible"`
}

type seed struct {
	admin  int
	People []Person `json:"users"`
	Deals  []Entry  `json:"deals"`
	Leads  []Entry  `json:"leads"`
}

type company struct {
	title, inn, kpp, city, street, email string
}

// seedPortal fills the fake portal the way a small Russian company's CRM looks: an admin, two
// managers, companies with requisites (ИНН/КПП), contacts, deals and leads.
func seedPortal(p *b24fake.Portal) (seed, error) {
	second := p.AddUser("Мария", "Продажина", "maria@sandbox.b24pay.local", false)
	sd := seed{admin: 1, People: []Person{
		{ID: 1, Name: "Анна Админова", Role: "администратор", Admin: true},
		{ID: 2, Name: "Иван Менеджеров", Role: "менеджер"},
		{ID: second, Name: "Мария Продажина", Role: "менеджер"},
	}}
	companies := []company{
		{"ООО «Ромашка»", "7707083893", "770701001", "Москва", "ул. Тверская, д. 1", "buh@romashka.example.ru"},
		{"АО «Северный ветер»", "7728168971", "772801001", "Санкт-Петербург", "Невский пр., д. 28", "finance@sever.example.ru"},
		{"ООО «ТехноСтрой»", "5405000013", "540501001", "Новосибирск", "Красный пр., д. 50", "oplata@technostroy.example.ru"},
	}
	deals := []struct {
		company     int
		title, sum  string
		responsible int
	}{
		{0, "Поставка оборудования", "120000.00", 2},
		{1, "Лизинг грузового автомобиля", "2450000.00", second},
		{2, "Монтаж системы вентиляции", "387500.00", 2},
		{0, "Годовое сервисное обслуживание", "96000.00", second},
	}
	r := restAs{p: p}
	var companyIDs []int
	for _, c := range companies {
		id, err := r.addCompany(c)
		if err != nil {
			return sd, err
		}
		companyIDs = append(companyIDs, id)
	}
	for _, d := range deals {
		c := companies[d.company]
		id, err := p.AddItem(typeDeal, map[string]any{"TITLE": d.title, "OPPORTUNITY": d.sum, "CURRENCY_ID": "RUB",
			"COMPANY_ID": companyIDs[d.company], "ASSIGNED_BY_ID": d.responsible, "STAGE_ID": "NEW"})
		if err != nil {
			return sd, err
		}
		sd.Deals = append(sd.Deals, Entry{Kind: "deal", ID: id, Title: d.title, Amount: d.sum, Client: c.title, Responsible: d.responsible})
	}
	leads := []struct{ title, sum, name, last, email string }{
		{"Обучение персонала 1С", "48000.00", "Ольга", "Смирнова", "olga.smirnova@example.ru"},
		{"Ремонт офиса под ключ", "265000.00", "Пётр", "Кузнецов", "p.kuznetsov@example.ru"},
	}
	for i, l := range leads {
		responsible := []int{2, second}[i%2]
		id, err := p.AddItem(typeLead, map[string]any{"TITLE": l.title, "OPPORTUNITY": l.sum, "CURRENCY_ID": "RUB",
			"NAME": l.name, "LAST_NAME": l.last, "ASSIGNED_BY_ID": responsible, "STATUS_ID": "NEW",
			"EMAIL": []map[string]any{{"VALUE": l.email, "VALUE_TYPE": "WORK"}}})
		if err != nil {
			return sd, err
		}
		sd.Leads = append(sd.Leads, Entry{Kind: "lead", ID: id, Title: l.title, Amount: l.sum,
			Client: l.name + " " + l.last, Responsible: responsible})
	}
	return sd, nil
}

// addCompany creates a company with its contact person, requisites and legal address, through
// the portal's REST API as the admin would.
func (r restAs) addCompany(c company) (int, error) {
	var id, contact, requisite int
	if err := r.call("crm.company.add", map[string]any{"fields": map[string]any{"TITLE": c.title, "COMPANY_TYPE": "CUSTOMER",
		"EMAIL": []map[string]any{{"VALUE": c.email, "VALUE_TYPE": "WORK"}}}}, &id); err != nil {
		return 0, err
	}
	if err := r.call("crm.contact.add", map[string]any{"fields": map[string]any{"NAME": "Елена", "LAST_NAME": "Бухгалтерова",
		"COMPANY_ID": id, "EMAIL": []map[string]any{{"VALUE": c.email, "VALUE_TYPE": "WORK"}}}}, &contact); err != nil {
		return 0, err
	}
	if err := r.call("crm.requisite.add", map[string]any{"fields": map[string]any{"ENTITY_TYPE_ID": typeCompany, "ENTITY_ID": id,
		"PRESET_ID": 1, "NAME": "Реквизиты", "RQ_COMPANY_NAME": c.title, "RQ_INN": c.inn, "RQ_KPP": c.kpp}}, &requisite); err != nil {
		return 0, err
	}
	var address any
	err := r.call("crm.address.add", map[string]any{"fields": map[string]any{"TYPE_ID": 6, "ENTITY_TYPE_ID": 8,
		"ENTITY_ID": requisite, "CITY": c.city, "ADDRESS_1": c.street}}, &address)
	return id, err
}

// restAs calls the fake portal's REST API as its admin.
type restAs struct{ p *b24fake.Portal }

func (r restAs) call(method string, params map[string]any, out any) error {
	access, _ := r.p.InstallTokens()
	params["auth"] = access
	body, err := json.Marshal(params)
	if err != nil {
		return err
	}
	resp, err := http.Post(r.p.ClientEndpoint()+method+".json", "application/json", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("sandbox: %s: %w", method, err)
	}
	defer resp.Body.Close()
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  string          `json:"error"`
		Desc   string          `json:"error_description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return fmt.Errorf("sandbox: %s: %w", method, err)
	}
	if env.Error != "" {
		return fmt.Errorf("sandbox: %s: %s %s", method, env.Error, env.Desc)
	}
	return json.Unmarshal(env.Result, out)
}
