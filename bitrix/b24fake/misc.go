package b24fake

import (
	"net/http"
	"strings"
)

type timelineComment struct {
	id                 int
	entityType         string
	entityID, authorID int
	comment            string
}

// Notification is one im.notify.* message.
type Notification struct {
	ID       int
	UserID   int
	FromUser int // 0 for system notifications
	Message  string
	Tag      string
	SubTag   string
	Personal bool
}

func timelineCommentAdd(c *call) (any, error) {
	f := c.ps.mapOf("fields")
	entityType := strings.ToLower(asString(f["ENTITY_TYPE"]))
	entityID, _ := asInt(f["ENTITY_ID"])
	text := asString(f["COMMENT"])
	if entityType == "" || entityID == 0 || text == "" {
		return nil, badArg("ENTITY_ID, ENTITY_TYPE and COMMENT are required")
	}
	s := c.p.state
	id := len(s.comments) + 1
	s.comments = append(s.comments, timelineComment{id: id, entityType: entityType, entityID: entityID, authorID: c.userID, comment: text})
	return id, nil
}

// TimelineComments lists comment texts added to an entity ("deal", "dynamic_183", ...).
func (p *Portal) TimelineComments(entityType string, entityID int) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, cm := range p.state.comments {
		if cm.entityType == strings.ToLower(entityType) && cm.entityID == entityID {
			out = append(out, cm.comment)
		}
	}
	return out
}

func notify(personal bool) handler {
	return func(c *call) (any, error) {
		userID, _ := c.ps.int("USER_ID")
		msg := strings.TrimSpace(c.ps.str("MESSAGE"))
		s := c.p.state
		if _, ok := s.users[userID]; !ok || msg == "" {
			return nil, &APIError{Status: http.StatusBadRequest, Code: "USER_ID_EMPTY", Description: "Recipient or message is empty"}
		}
		n := Notification{ID: len(s.notes) + 1, UserID: userID, Message: msg, Tag: c.ps.str("TAG"), SubTag: c.ps.str("SUB_TAG"), Personal: personal}
		if personal {
			n.FromUser = c.userID
		}
		if n.Tag != "" {
			kept := s.notes[:0]
			for _, old := range s.notes {
				if old.Tag != n.Tag {
					kept = append(kept, old)
				}
			}
			s.notes = kept
		}
		s.notes = append(s.notes, n)
		return n.ID, nil
	}
}

// Notifications lists the notifications a user currently has (a TAG replaces older ones).
func (p *Portal) Notifications(userID int) []Notification {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Notification
	for _, n := range p.state.notes {
		if n.UserID == userID {
			out = append(out, n)
		}
	}
	return out
}

func appInfo(c *call) (any, error) {
	return map[string]any{"ID": 7, "CODE": c.p.opts.ClientID, "VERSION": 1, "STATUS": "L", "INSTALLED": c.p.state.installed,
		"PAYMENT_EXPIRED": "N", "DAYS": nil, "LANGUAGE_ID": "ru", "LICENSE": "ru_project", "LICENSE_TYPE": "project",
		"LICENSE_FAMILY": "project"}, nil
}

// render is a user as user.get and user.current answer (docs: api-reference/user/user-get.md):
// UF_DEPARTMENT is an array of department ids as numbers.
func (u user) render() map[string]any {
	deps := u.departments
	if deps == nil {
		deps = []int{1}
	}
	return map[string]any{"ID": itoa(u.id), "ACTIVE": true, "NAME": u.name, "LAST_NAME": u.lastName, "SECOND_NAME": "",
		"EMAIL": u.email, "TIME_ZONE": "Europe/Moscow", "USER_TYPE": "employee", "UF_DEPARTMENT": deps, "IS_ONLINE": "N"}
}

// departmentGet lists departments 50 a page (START), filtered by ID, NAME, PARENT given as top-level
// parameters, ID and PARENT as strings (docs: api-reference/departments/department-get.md).
func departmentGet(c *call) (any, error) {
	rows := []map[string]any{}
	for _, d := range c.p.state.departments {
		row := map[string]any{"ID": itoa(d.id), "NAME": d.name, "SORT": 500}
		if d.parent != 0 {
			row["PARENT"] = itoa(d.parent)
		}
		match := true
		for _, key := range []string{"ID", "NAME", "PARENT"} {
			if v, ok := c.ps.lookup(key); ok && asString(v) != asString(row[key]) {
				match = false
			}
		}
		if match {
			rows = append(rows, row)
		}
	}
	lo, hi := paginate(c, len(rows))
	return rows[lo:hi], nil
}

func userCurrent(c *call) (any, error) { return c.p.state.users[c.userID].render(), nil }

func userGet(c *call) (any, error) {
	var rows []map[string]any
	for id := 1; id <= len(c.p.state.users)+10; id++ {
		if u, ok := c.p.state.users[id]; ok {
			rows = append(rows, u.render())
		}
	}
	if f, _ := c.ps.lookup("FILTER"); f != nil {
		c.ps["filter"] = f
	}
	return listMaps(c, rows, "ID")
}

func profile(c *call) (any, error) {
	u := c.p.state.users[c.userID]
	return map[string]any{"ID": itoa(u.id), "ADMIN": u.admin, "NAME": u.name, "LAST_NAME": u.lastName,
		"PERSONAL_GENDER": "", "TIME_ZONE": "Europe/Moscow", "TIME_ZONE_OFFSET": 10800}, nil
}

// userAdmin follows api-reference/common/users/user-admin.md.
func userAdmin(c *call) (any, error) { return c.p.state.users[c.userID].admin, nil }

func serverTime(c *call) (any, error) { return fmtDateTime(c.p.state.now()), nil }

func scopeMethod(c *call) (any, error) { return c.p.scopeList(), nil }

// appOptionSet follows api-reference/common/settings/app-option-set.md: administrators only; the
// given keys are overwritten, others kept; without options the request's own parameters are the
// settings; nothing to save is ERROR_ARGUMENT.
func appOptionSet(c *call) (any, error) {
	if !c.p.state.users[c.userID].admin {
		return nil, apiErr("ACCESS_DENIED", "Access denied! Administrator authorization required")
	}
	opts := c.ps.mapOf("options")
	if _, given := c.ps.lookup("options"); !given {
		opts = map[string]any{}
		for k, v := range c.ps {
			if k != "auth" {
				opts[k] = v
			}
		}
	}
	if len(opts) == 0 {
		return nil, apiErr("ERROR_ARGUMENT", "Argument 'options' is null or empty")
	}
	for k, v := range opts {
		c.p.state.appOptions[k] = v
	}
	return true, nil
}

// appOptionGet follows api-reference/common/settings/app-option-get.md: one key's value (null when
// absent), or every setting, an empty array when there is none.
func appOptionGet(c *call) (any, error) {
	if name := c.ps.str("option"); name != "" {
		return c.p.state.appOptions[name], nil
	}
	if len(c.p.state.appOptions) == 0 {
		return []any{}, nil
	}
	return c.p.state.appOptions, nil
}

func methodGet(c *call) (any, error) {
	name := normalizeMethod(c.ps.str("name"))
	_, ok := methods[name]
	return map[string]any{"isExisting": ok || name == "batch", "isAvailable": ok && c.p.granted(name)}, nil
}
