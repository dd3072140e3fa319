package sandbox

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
)

// Tab is an opened tab: where Bitrix24 posts it, the deal card that frames it, and the API token
// the tab's page carries.
type Tab struct {
	TabURL   string `json:"tab_url"`   // the placement URL the portal posts to
	FrameURL string `json:"frame_url"` // the deal or lead card on the portal that frames the tab
	Token    string `json:"token"`     // the tab's API token (Authorization: Bearer on /api/v1)
}

var placements = map[string]string{"deal": "CRM_DEAL_DETAIL_TAB", "lead": "CRM_LEAD_DETAIL_TAB"}

var tokenMeta = regexp.MustCompile(`<meta name="b24pay-token" content="([^"]+)"`)

// OpenTab opens the tab of a deal or lead as a user: the portal's placement POST goes to the
// service, which checks it with the portal and answers the tab page with its API token.
func (s *Sandbox) OpenTab(ctx context.Context, in TabRequest) (Tab, error) {
	if err := s.checkTarget(in.Kind, in.ID, in.User); err != nil {
		return Tab{}, err
	}
	req, err := s.placementRequest(in.Kind, in.ID, in.User)
	if err != nil {
		return Tab{}, err
	}
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		return Tab{}, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := tokenMeta.FindSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		return Tab{}, fmt.Errorf("sandbox: the tab answered %d without a token", resp.StatusCode)
	}
	return Tab{TabURL: req.URL.String(), FrameURL: s.frameURL(in.Kind, in.ID, in.User), Token: string(m[1])}, nil
}

// checkTarget refuses a kind, object or user the portal does not have.
func (s *Sandbox) checkTarget(kind string, id, user int) error {
	if _, ok := placements[kind]; !ok {
		return badRequest("kind %q is not deal or lead", kind)
	}
	if _, err := s.Entity(kind, id); err != nil {
		return err
	}
	if !slices.ContainsFunc(s.seed.People, func(p Person) bool { return p.ID == user }) {
		return notFound("no user %d in the portal", user)
	}
	return nil
}

// placementRequest is the POST Bitrix24 sends into the tab's iframe when user opens the card.
func (s *Sandbox) placementRequest(kind string, id, user int) (*http.Request, error) {
	return s.portal.AppPageRequest(s.url+"/b24/placement", placements[kind], map[string]any{"ID": id}, user)
}

// frameURL is the deal or lead card page on the portal's origin.
func (s *Sandbox) frameURL(kind string, id, user int) string {
	return fmt.Sprintf("%s/crm/%s/details/%d/?user=%d", s.portalU, kind, id, user)
}

// appURL is the portal page that frames the app's main page for user.
func (s *Sandbox) appURL(user int) string {
	return fmt.Sprintf("%s/marketplace/app/b24pay/?user=%d", s.portalU, user)
}

// portalHandler serves the fake portal's REST API and OAuth, plus the two portal pages that
// frame our pages: the deal or lead card with our tab, and the application page. Like Bitrix24
// they POST the signed form into an iframe on the service's origin.
func (s *Sandbox) portalHandler() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("GET /crm/{kind}/details/{id}/", func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.Atoi(r.PathValue("id"))
		kind, user := r.PathValue("kind"), userParam(r)
		if err := s.checkTarget(kind, id, user); err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		e, _ := s.Entity(kind, id)
		req, err := s.placementRequest(kind, id, user)
		s.framePage(w, req, err, fmt.Sprintf("%s «%v»", map[string]string{"deal": "Сделка", "lead": "Лид"}[kind], e.Fields["title"]),
			s.person(user))
	})
	m.HandleFunc("GET /marketplace/app/b24pay/", func(w http.ResponseWriter, r *http.Request) {
		user := userParam(r)
		if err := s.checkTarget("deal", s.seed.Deals[0].ID, user); err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		req, err := s.portal.AppPageRequest(s.url+"/b24/app", "", nil, user)
		s.framePage(w, req, err, "Приложение «Платежи и рассрочка»", s.person(user))
	})
	m.Handle("/", s.portal)
	return m
}

func userParam(r *http.Request) int {
	user, err := strconv.Atoi(r.URL.Query().Get("user"))
	if err != nil {
		return 2 // the first manager
	}
	return user
}

func (s *Sandbox) person(id int) Person {
	for _, p := range s.seed.People {
		if p.ID == id {
			return p
		}
	}
	return Person{}
}

// framePage renders a portal page whose iframe receives the signed POST of req.
func (s *Sandbox) framePage(w http.ResponseWriter, req *http.Request, err error, title string, who Person) {
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	body, _ := io.ReadAll(req.Body)
	fields, _ := url.ParseQuery(string(body))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = pages.ExecuteTemplate(w, "frame.html", map[string]any{"Action": req.URL.String(), "Fields": fields,
		"Title": title, "Who": who, "Home": s.URL()})
}
