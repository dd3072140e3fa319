package app

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/instalment"
	"b24pay/store"
)

var payForm = regexp.MustCompile(`action="/cabinet/instalments/(\d+)/pay"`)

// The story of the issue: register as the deal's company → verify the e-mail → see the schedule
// the manager made → pay an instalment by SBP → see it paid.
func TestCabinetClientRegistersSeesTheScheduleAndPays(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newCabinetE2E(t, dialect, withSBP(t))
		s := e.managerSchedule(t)

		e.emailOnCompany(t, "anna@romashka.ru")
		b := e.signedIn(t, companyForm("anna@romashka.ru"))
		home := b.get("/cabinet")
		require.Equal(t, http.StatusOK, home.status)
		require.Contains(t, home.body, "Следующий платёж")
		require.Contains(t, home.body, "10\u00a0000,00", "the first instalment of the manager's plan")

		page := b.get("/cabinet/schedules")
		require.Contains(t, page.body, "Поставка оборудования")
		first := payForm.FindStringSubmatch(page.body)
		require.NotNil(t, first, page.body)
		require.Equal(t, itoa(s.Schedule.Instalments[0].ID), first[1])

		paymentID := e.paidInstalment(t, b, s.Schedule.Instalments[0].ID)

		page = b.get("/cabinet/schedules")
		require.Contains(t, page.body, `class="cab-row cab-st-`+instalment.StatusPaid)
		history := b.get("/cabinet/payments")
		require.Contains(t, history.body, "Оплачен")
		require.Contains(t, history.body, "Поставка оборудования, платёж №1")
		receipt := "/cabinet/payments/" + paymentID + "/receipt"
		require.Contains(t, history.body, `href="`+receipt+`"`)
		got := b.get(receipt)
		require.Equal(t, http.StatusOK, got.status)
		for _, want := range []string{"Подтверждение оплаты", "ООО «Ромашка», ИНН 7707083893", "10\u00a0000,00", "СБП",
			"Поставка оборудования, платёж №1"} {
			require.Contains(t, got.body, want)
		}
		e.requireNoDeadOutbox()
	})
}

func TestCabinetRegistrationMatchesTheCardOrCreatesOne(t *testing.T) {
	t.Parallel()
	e := newCabinetE2E(t, store.SQLite)
	e.managerSchedule(t)
	companies := len(e.portal.Items(4))
	byINN := e.signedIn(t, companyForm("someone@elsewhere.ru"))
	require.Len(t, e.portal.Items(4), companies, "found by ИНН: no second company")
	page := byINN.get("/cabinet/schedules").body
	require.NotContains(t, page, "Поставка оборудования", "an ИНН anyone may type shows no one's deals")
	require.Contains(t, page, "попросите менеджера прислать вам ссылку-приглашение")
	edit := companyForm("someone@elsewhere.ru")
	edit.Set("legal_name", "ООО «Захват»")
	require.Equal(t, http.StatusSeeOther, byINN.post("/cabinet/profile", edit).status)
	for _, co := range e.portal.Items(4) {
		require.NotEqual(t, "ООО «Захват»", co["title"], "nor lets them edit the card")
	}

	person := url.Values{"kind": {"person"}, "name": {"Пётр Иванов"}, "email": {"petr@example.ru"}, "phone": {"89001112233"},
		"password": {"correct horse battery"}}
	b := e.signedIn(t, person)
	contacts := e.portal.Items(3)
	require.Len(t, contacts, 1, "a new contact for a new person")
	require.Contains(t, b.get("/cabinet/schedules").body, "Графиков платежей пока нет")

	a := b.post("/cabinet/profile", url.Values{"name": {"Пётр Сидоров"}, "phone": {"+7 900 111-22-33"}})
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	contact, _ := e.portal.Item(3, toInt(contacts[0]["id"]))
	require.Equal(t, "Пётр Сидоров", contact["name"], "the edit reached the Bitrix24 card")
	e.requireConformanceRows() // every method the cabinet called has its docs row
}

func TestCabinetInvitationFromTheDealTabMatchesTheCompany(t *testing.T) {
	t.Parallel()
	e := newCabinetE2E(t, store.SQLite)
	token := e.openTab(e.dealID, 2)
	var inv struct{ URL, Client string }
	require.Equal(t, http.StatusOK, e.api(token, http.MethodPost, "/invite", nil, &inv))
	require.Equal(t, "ООО «Ромашка»", inv.Client)

	u, err := url.Parse(inv.URL)
	require.NoError(t, err)
	b := e.browser(t)
	require.Contains(t, b.get(u.RequestURI()).body, "Вас пригласили в кабинет")
	form := url.Values{"kind": {"person"}, "name": {"Анна"}, "email": {"anna@elsewhere.ru"}, "phone": {"+79005550000"},
		"password": {"correct horse battery"}, "invite": {u.Query().Get("invite")}}
	require.Equal(t, http.StatusOK, b.post("/cabinet/register", form).status)
	b.get(e.linkTo(t, "anna@elsewhere.ru", "verify"))
	require.Equal(t, http.StatusSeeOther, b.post("/cabinet/login", url.Values{"email": {"anna@elsewhere.ru"},
		"password": {"correct horse battery"}}).status)
	require.Empty(t, e.portal.Items(3), "no contact created: the manager named the company")
	require.NotContains(t, b.get("/cabinet").body, "не связали ваш кабинет")
}

func TestCabinetOverviewHighlightsOverdue(t *testing.T) {
	t.Parallel()
	e := newCabinetE2E(t, store.SQLite)
	e.managerSchedule(t)
	e.emailOnCompany(t, "anna@romashka.ru")
	b := e.signedIn(t, companyForm("anna@romashka.ru"))
	require.Contains(t, b.get("/cabinet").body, "Просрочек нет")

	e.clock.Set(time.Date(2027, 1, 25, 9, 0, 0, 0, time.UTC)) // after the first two due dates
	require.Equal(t, http.StatusSeeOther, b.get("/cabinet").status, "the session expired with the jump")
	home := e.signedInAgain(t, "anna@romashka.ru").get("/cabinet").body
	require.Contains(t, home, "cab-tile-late")
	require.Contains(t, home, "Просрочен: срок был 22.12.2026")
	require.Contains(t, home, "Просрочено: 20\u00a0000,00\u00a0₽ (2)")
	require.Contains(t, e.signedInAgain(t, "anna@romashka.ru").get("/cabinet/schedules").body, `cab-row-late`)
}

// signedInAgain signs an existing client in with a new browser.
func (e *cabinetE2E) signedInAgain(t *testing.T, email string) *browser {
	b := e.browser(t)
	b.get("/cabinet/login")
	require.Equal(t, http.StatusSeeOther, b.post("/cabinet/login", url.Values{"email": {email},
		"password": {"correct horse battery"}}).status)
	return b
}
