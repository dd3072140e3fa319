package b24fake

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Robot is one bizproc.robot.add registration.
type Robot struct {
	Code             string
	Handler          string
	AuthUserID       int
	UseSubscription  string
	Name             any
	Properties       map[string]any
	ReturnProperties map[string]any
	DocumentType     any
}

// RobotReply is what the app sent with bizproc.event.send.
type RobotReply struct {
	ReturnValues map[string]any
	LogMessage   string
}

type robotRun struct {
	code    string
	replied bool
	reply   RobotReply
}

var robotCode = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)

// Robots lists the registered robots.
func (p *Portal) Robots() []Robot {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Robot, len(p.state.robots))
	for i, r := range p.state.robots {
		out[i] = *r
	}
	return out
}

func (s *state) robot(code string) *Robot {
	for _, r := range s.robots {
		if r.Code == code {
			return r
		}
	}
	return nil
}

func activityError(desc string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "ERROR_ACTIVITY_VALIDATION_FAILURE", Description: desc}
}

func robotAdd(c *call) (any, error) {
	s := c.p.state
	if !s.users[c.userID].admin {
		return nil, apiErr("ACCESS_DENIED", "")
	}
	code := c.ps.str("CODE")
	switch {
	case code == "":
		return nil, activityError("Empty activity code!")
	case !robotCode.MatchString(code):
		return nil, activityError("Wrong activity code!")
	case c.ps.str("HANDLER") == "":
		return nil, activityError("Empty activity handler!")
	case s.robot(code) != nil:
		return nil, &APIError{Status: http.StatusBadRequest, Code: "ERROR_ACTIVITY_ALREADY_INSTALLED", Description: "Activity or Robot already installed!"}
	}
	name, _ := c.ps.lookup("NAME")
	if asString(name) == "" && asMap(name) == nil {
		return nil, activityError("Empty activity name!")
	}
	r := &Robot{Code: code}
	applyRobotFields(r, c.ps)
	s.robots = append(s.robots, r)
	return true, nil
}

func applyRobotFields(r *Robot, ps params) {
	if v := ps.str("HANDLER"); v != "" {
		r.Handler = v
	}
	if v, ok := ps.int("AUTH_USER_ID"); ok {
		r.AuthUserID = v
	}
	if v := ps.str("USE_SUBSCRIPTION"); v != "" {
		r.UseSubscription = v
	}
	if v, ok := ps.lookup("NAME"); ok {
		r.Name = v
	}
	if v, ok := ps.lookup("PROPERTIES"); ok {
		r.Properties = asMap(v)
	}
	if v, ok := ps.lookup("RETURN_PROPERTIES"); ok {
		r.ReturnProperties = asMap(v)
	}
	if v, ok := ps.lookup("DOCUMENT_TYPE"); ok {
		r.DocumentType = v
	}
}

func robotUpdate(c *call) (any, error) {
	r := c.p.state.robot(c.ps.str("CODE"))
	if r == nil {
		return nil, &APIError{Status: http.StatusBadRequest, Code: "ERROR_ACTIVITY_NOT_FOUND", Description: "Activity or Robot not found!"}
	}
	applyRobotFields(r, params(c.ps.mapOf("FIELDS")))
	return true, nil
}

func robotList(c *call) (any, error) {
	out := []string{}
	for _, r := range c.p.state.robots {
		out = append(out, r.Code)
	}
	return out, nil
}

func robotDelete(c *call) (any, error) {
	s := c.p.state
	code := c.ps.str("CODE")
	for i, r := range s.robots {
		if r.Code == code {
			s.robots = append(s.robots[:i], s.robots[i+1:]...)
			return true, nil
		}
	}
	return nil, &APIError{Status: http.StatusBadRequest, Code: "ERROR_ACTIVITY_NOT_FOUND", Description: "Activity or Robot not found!"}
}

func eventSend(c *call) (any, error) {
	run := c.p.state.robotRuns[c.ps.str("EVENT_TOKEN")]
	if run == nil || run.replied {
		return nil, apiErr("ACCESS_DENIED", "")
	}
	r := c.p.state.robot(run.code)
	values := map[string]any{}
	for k, v := range c.ps.mapOf("RETURN_VALUES") {
		if r == nil {
			break
		}
		for prop := range r.ReturnProperties {
			if strings.EqualFold(prop, k) {
				values[prop] = v
			}
		}
	}
	run.replied, run.reply = true, RobotReply{ReturnValues: values, LogMessage: c.ps.str("LOG_MESSAGE")}
	return true, nil
}

// RobotReply returns what the app sent back for a robot run.
func (p *Portal) RobotReply(eventToken string) (RobotReply, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	run := p.state.robotRuns[eventToken]
	if run == nil || !run.replied {
		return RobotReply{}, false
	}
	return run.reply, true
}

// RunRobot simulates automation reaching the robot: it POSTs the robot handler form (reference
// §11.3) synchronously and returns the event token the app must answer with.
func (p *Portal) RunRobot(code string, documentID [3]string, properties map[string]string) (string, error) {
	p.mu.Lock()
	r := p.state.robot(code)
	if r == nil {
		p.mu.Unlock()
		return "", errors.New("b24fake: robot " + code + " is not registered")
	}
	workflow := fmt.Sprintf("%x.%08d", p.now().UnixNano(), len(p.state.robotRuns)+1)
	token := workflow + "|A" + randomHex(6) + "|" + randomHex(16)
	p.state.robotRuns[token] = &robotRun{code: code}
	handlerURL, authUser, sub := r.Handler, r.AuthUserID, r.UseSubscription
	p.mu.Unlock()

	form := url.Values{}
	form.Set("workflow_id", workflow)
	form.Set("code", code)
	docType := documentID
	if i := strings.LastIndexByte(docType[2], '_'); i > 0 {
		docType[2] = docType[2][:i]
	}
	for i := range 3 {
		form.Set("document_id["+strconv.Itoa(i)+"]", documentID[i])
		form.Set("document_type["+strconv.Itoa(i)+"]", docType[i])
	}
	form.Set("event_token", token)
	for k, v := range properties {
		form.Set("properties["+k+"]", v)
	}
	if sub == "" {
		sub = "Y"
	}
	form.Set("use_subscription", sub)
	form.Set("timeout_duration", "0")
	form.Set("ts", strconv.FormatInt(p.now().Unix(), 10))
	if authUser <= 0 {
		authUser = 1
	}
	p.authFields(form, authUser, true)
	status, err := p.post(handlerURL, form)
	if err == nil && status >= 300 {
		err = fmt.Errorf("b24fake: robot handler answered %d", status)
	}
	return token, err
}
