package b24fake

import (
	"net/http"
	"regexp"
	"strings"
)

// PlacementBinding is one placement.bind registration.
type PlacementBinding struct {
	Placement   string
	Handler     string
	Title       string
	Description string
	GroupName   string
	LangAll     any
	Options     any
	UserID      int
}

var (
	placementCode   = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	dynamicPlacment = regexp.MustCompile(`^CRM_DYNAMIC_(\d+)_`)
)

// placementError is answered with HTTP 200, as Bitrix24 does for most placement errors.
func placementError(code, desc, argument string) *APIError {
	return &APIError{Status: http.StatusOK, Code: code, Description: desc, Argument: argument}
}

// Placements lists the current placement.bind registrations.
func (p *Portal) Placements() []PlacementBinding {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]PlacementBinding(nil), p.state.placements...)
}

func placementBind(c *call) (any, error) {
	s := c.p.state
	code := strings.ToUpper(c.ps.str("PLACEMENT"))
	handlerURL := c.ps.str("HANDLER")
	if !placementCode.MatchString(code) || code == "DEFAULT" {
		return nil, placementError("ERROR_ARGUMENT", "Wrong placement code", "PLACEMENT")
	}
	if m := dynamicPlacment.FindStringSubmatch(code); m != nil {
		etid, _ := asInt(m[1])
		if s.typeByEntityTypeID(etid) == nil {
			return nil, placementError("ERROR_ARGUMENT", "Wrong placement code", "PLACEMENT")
		}
	}
	if handlerURL == "" {
		return nil, placementError("EMPTY_ERROR_HANDLER_URL", "Handler URL is empty", "HANDLER")
	}
	userID, _ := c.ps.int("USER_ID")
	for _, b := range s.placements {
		if b.Placement == code && b.Handler == handlerURL && b.UserID == userID {
			return nil, placementError("ERROR_ARGUMENT", "Handler already binded", "HANDLER")
		}
	}
	opts, _ := c.ps.lookup("OPTIONS")
	lang, _ := c.ps.lookup("LANG_ALL")
	s.placements = append(s.placements, PlacementBinding{Placement: code, Handler: handlerURL, Title: c.ps.str("TITLE"),
		Description: c.ps.str("DESCRIPTION"), GroupName: c.ps.str("GROUP_NAME"), LangAll: lang, Options: opts, UserID: userID})
	return true, nil
}

func placementUnbind(c *call) (any, error) {
	s := c.p.state
	code := strings.ToUpper(c.ps.str("PLACEMENT"))
	if code == "" {
		return nil, placementError("ERROR_ARGUMENT", "PLACEMENT is required", "PLACEMENT")
	}
	handlerURL := c.ps.str("HANDLER")
	kept, count := s.placements[:0], 0
	for _, b := range s.placements {
		if b.Placement == code && (handlerURL == "" || b.Handler == handlerURL) {
			count += 2 // one for the found handler, one for its removal
			continue
		}
		kept = append(kept, b)
	}
	s.placements = kept
	return map[string]any{"count": count}, nil
}

func placementGet(c *call) (any, error) {
	out := []map[string]any{}
	for _, b := range c.p.state.placements {
		out = append(out, map[string]any{"placement": b.Placement, "userId": b.UserID, "handler": b.Handler,
			"options": orEmpty(b.Options), "title": b.Title, "description": b.Description, "langAll": orEmpty(b.LangAll)})
	}
	return out, nil
}

func orEmpty(v any) any {
	if v == nil {
		return []any{}
	}
	return v
}
