package app

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"b24pay/cabinet"
)

var inviteLink = regexp.MustCompile(`https?://\S+/cabinet/register\?invite=[\w-]+`)

// mailedInvitation is the last invitation link mailed to email.
func (e *cabinetE2E) mailedInvitation(t *testing.T, email string) string {
	e.drain()
	var link string
	for _, m := range e.mailbox(t) {
		if m.to == email {
			link = inviteLink.FindString(m.text)
		}
	}
	require.NotEmpty(t, link, "an invitation mailed to %s", email)
	return link
}

// registeredByInvitation registers through the invitation link, verifies and signs in.
func (e *cabinetE2E) registeredByInvitation(t *testing.T, link, email, name string) *browser {
	u, err := url.Parse(link)
	require.NoError(t, err)
	b := e.browser(t)
	require.Contains(t, b.get(u.RequestURI()).body, "Вас пригласили в кабинет")
	form := url.Values{"kind": {"person"}, "name": {name}, "email": {email}, "phone": {"+79005550011"},
		"password": {"another good passphrase"}, "invite": {u.Query().Get("invite")}}
	require.Equal(t, http.StatusOK, b.post("/cabinet/register", form).status)
	b.get(e.linkTo(t, email, "verify"))
	require.Equal(t, http.StatusSeeOther, b.post("/cabinet/login", url.Values{"email": {email},
		"password": {"another good passphrase"}}).status)
	return b
}

func (e *cabinetE2E) accountID(t *testing.T, email string) string {
	var a cabinet.Account
	require.NoError(t, e.db.Where("email = ?", email).Take(&a).Error)
	return itoa(a.ID)
}

// Several users of one company: the first invites a colleague, the manager invites another; each
// signs in with their own password and sees the company's schedule; a user of another company
// sees none of it and can remove nobody; the first user removes a colleague, whose session ends.
func TestCabinetCompanyHasSeveralUsers(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newCabinetE2E(t, dialect)
		e.managerSchedule(t)
		e.emailOnCompany(t, "anna@romashka.ru")
		anna := e.signedIn(t, companyForm("anna@romashka.ru"))
		other := e.signedIn(t, url.Values{"kind": {"company"}, "name": {"Олег"}, "email": {"oleg@vasilek.ru"},
			"phone": {"+79001112233"}, "inn": {"7736207543"}, "kpp": {"773601001"}, "legal_name": {"ООО «Василёк»"},
			"legal_address": {"119021, Москва, ул. Льва Толстого, д. 16"}, "password": {"correct horse battery"}})
		person := e.signedIn(t, strangerForm())

		// Anna invites Boris; the manager invites Vera from the deal's tab.
		anna.get("/cabinet/users")
		require.Equal(t, http.StatusUnprocessableEntity, anna.post("/cabinet/users/invite",
			url.Values{"name": {"Борис"}, "email": {"not an address"}}).status)
		sent := anna.post("/cabinet/users/invite", url.Values{"name": {"Борис"}, "email": {"Boris@Romashka.ru"}})
		require.Equal(t, http.StatusSeeOther, sent.status, sent.body)
		boris := e.registeredByInvitation(t, e.mailedInvitation(t, "boris@romashka.ru"), "boris@romashka.ru", "Борис")
		var inv struct{ URL string }
		require.Equal(t, http.StatusOK, e.api(e.openTab(e.dealID, 2), http.MethodPost, "/invite", nil, &inv))
		vera := e.registeredByInvitation(t, inv.URL, "vera@romashka.ru", "Вера")

		for _, b := range []*browser{anna, boris, vera} {
			require.Contains(t, b.get("/cabinet/schedules").body, "Поставка оборудования")
			users := b.get("/cabinet/users").body
			for _, who := range []string{"anna@romashka.ru", "boris@romashka.ru", "vera@romashka.ru"} {
				require.Contains(t, users, who)
			}
			require.NotContains(t, users, "oleg@vasilek.ru")
		}
		// Another company and a person see nothing of Romashka and cannot invite into it.
		for _, b := range []*browser{other, person} {
			require.NotContains(t, b.get("/cabinet/schedules").body, "Поставка оборудования")
			require.NotContains(t, b.get("/cabinet/users").body, "romashka.ru")
		}
		person.get("/cabinet/users")
		require.Equal(t, http.StatusForbidden, person.post("/cabinet/users/invite",
			url.Values{"name": {"X"}, "email": {"x@example.ru"}}).status)

		// Only the first user removes, never themselves, never another company's user.
		borisID, annaID := e.accountID(t, "boris@romashka.ru"), e.accountID(t, "anna@romashka.ru")
		other.get("/cabinet/users")
		require.Equal(t, http.StatusNotFound, other.post("/cabinet/users/"+borisID+"/remove", url.Values{}).status)
		vera.get("/cabinet/users")
		require.Equal(t, http.StatusNotFound, vera.post("/cabinet/users/"+borisID+"/remove", url.Values{}).status)
		require.Equal(t, http.StatusNotFound, vera.post("/cabinet/users/"+annaID+"/remove", url.Values{}).status)
		anna.get("/cabinet/users")
		require.Equal(t, http.StatusNotFound, anna.post("/cabinet/users/"+annaID+"/remove", url.Values{}).status)
		require.Equal(t, http.StatusOK, boris.get("/cabinet").status, "nobody removed Boris so far")

		anna.get("/cabinet/users")
		require.Equal(t, http.StatusSeeOther, anna.post("/cabinet/users/"+borisID+"/remove", url.Values{}).status)
		require.Equal(t, http.StatusSeeOther, boris.get("/cabinet").status, "Boris's session ended")
		b := e.browser(t)
		b.get("/cabinet/login")
		require.NotEqual(t, http.StatusSeeOther, b.post("/cabinet/login", url.Values{"email": {"boris@romashka.ru"},
			"password": {"another good passphrase"}}).status)
		require.NotContains(t, anna.get("/cabinet/users").body, "boris@romashka.ru")
		require.Contains(t, vera.get("/cabinet/schedules").body, "Поставка оборудования")
	})
}

// A colleague's profile edits stay theirs: only the first user's reach the company's card.
func TestCabinetColleagueProfileDoesNotRewriteTheCompanyCard(t *testing.T) {
	t.Parallel()
	e := newCabinetE2E(t, "sqlite")
	e.emailOnCompany(t, "anna@romashka.ru")
	anna := e.signedIn(t, companyForm("anna@romashka.ru"))
	anna.get("/cabinet/users")
	require.Equal(t, http.StatusSeeOther, anna.post("/cabinet/users/invite", url.Values{"name": {"Борис"}, "email": {"boris@romashka.ru"}}).status)
	boris := e.registeredByInvitation(t, e.mailedInvitation(t, "boris@romashka.ru"), "boris@romashka.ru", "Борис")
	deal, ok := e.portal.Item(2, e.dealID)
	require.True(t, ok)
	company := toInt(deal["companyId"])
	before, ok := e.portal.Item(4, company)
	require.True(t, ok)

	boris.get("/cabinet/profile")
	require.Equal(t, http.StatusSeeOther, boris.post("/cabinet/profile", url.Values{"name": {"Борис Петров"}, "phone": {"+79005550099"}}).status)
	after, _ := e.portal.Item(4, company)
	require.Equal(t, before["title"], after["title"])
	require.NotContains(t, fmt.Sprint(after), "9005550099")
	require.NotContains(t, fmt.Sprint(after), "Борис Петров")
}

// A manager's edit of the company card in Bitrix24 reaches the first user's profile through the
// ONCRMCOMPANYUPDATE event, and is listed in the profile's change history.
func TestCabinetProfileFollowsTheBitrix24Card(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, dialect string) {
		e := newCabinetE2E(t, dialect)
		e.emailOnCompany(t, "anna@romashka.ru")
		anna := e.signedIn(t, companyForm("anna@romashka.ru"))
		deal, ok := e.portal.Item(2, e.dealID)
		require.True(t, ok)
		e.clock.Advance(time.Minute)
		require.NoError(t, e.portal.UserUpdateItem(4, toInt(deal["companyId"]), map[string]any{"title": "ООО «Ромашка-Плюс»"}))
		e.drain()

		page := anna.get("/cabinet/profile").body
		require.Contains(t, page, `value="ООО «Ромашка-Плюс»"`)
		require.Contains(t, page, "История изменений")
		require.Contains(t, page, "менеджер в карточке клиента")
		e.requireConformanceRows()
	})
}
