package bitrix

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// PlacementBinding is the input of placement.bind.
type PlacementBinding struct {
	Placement   string                       `json:"PLACEMENT"`
	Handler     string                       `json:"HANDLER"`
	Title       string                       `json:"TITLE,omitempty"`
	Description string                       `json:"DESCRIPTION,omitempty"`
	LangAll     map[string]map[string]string `json:"LANG_ALL,omitempty"`
}

// PlacementBind binds a placement handler.
func (c *Client) PlacementBind(ctx context.Context, b PlacementBinding) error {
	_, err := c.CallIdempotent(ctx, "placement.bind", b)
	return err
}

// EventBinding is the input of event.bind.
type EventBinding struct {
	Event     string `json:"event"`
	Handler   string `json:"handler,omitempty"`
	AuthType  ID     `json:"auth_type,omitempty"`
	EventType string `json:"event_type,omitempty"` // "online" (default) or "offline"
}

// EventBind subscribes a handler to an event.
func (c *Client) EventBind(ctx context.Context, b EventBinding) error {
	_, err := c.CallIdempotent(ctx, "event.bind", b)
	return err
}

// RobotAdd registers a robot (bizproc.robot.add, §11.2/§17.7); robot is the
// parameter object. ERROR_ACTIVITY_ALREADY_INSTALLED means: update instead.
func (c *Client) RobotAdd(ctx context.Context, robot any) error {
	_, err := c.CallIdempotent(ctx, "bizproc.robot.add", robot)
	return err
}

// RobotReply returns values to a waiting robot (bizproc.event.send).
func (c *Client) RobotReply(ctx context.Context, eventToken string, values map[string]any, logMessage string) error {
	params := map[string]any{"EVENT_TOKEN": eventToken, "RETURN_VALUES": values}
	if logMessage != "" {
		params["LOG_MESSAGE"] = logMessage
	}
	_, err := c.CallIdempotent(ctx, "bizproc.event.send", params)
	return err
}

// PaySystemHandlerAdd registers a REST pay system handler and returns its id.
func (c *Client) PaySystemHandlerAdd(ctx context.Context, handler any) (ID, error) {
	return c.callForID(ctx, "sale.paysystem.handler.add", handler)
}

// PaySystemAdd creates a pay system bound to a handler and returns its id.
func (c *Client) PaySystemAdd(ctx context.Context, paySystem any) (ID, error) {
	return c.callForID(ctx, "sale.paysystem.add", paySystem)
}

func (c *Client) callForID(ctx context.Context, method string, params any) (ID, error) {
	resp, err := c.Call(ctx, method, params)
	if err != nil {
		return 0, err
	}
	return parseID(method, resp.Result)
}

func parseID(method string, raw json.RawMessage) (ID, error) {
	var id ID
	if err := id.UnmarshalJSON(raw); err != nil {
		return 0, fmt.Errorf("%w: %s: %v", ErrBadResponse, method, err)
	}
	return id, nil
}

// NotifySystem sends a system notification (im.notify.system.add). A
// notification with the same tag replaces the older one. The portal answers
// false when it created no notification (docs:
// api-reference/chats/notifications/im-notify-system-add.md); that is id 0, not an error.
func (c *Client) NotifySystem(ctx context.Context, userID ID, message, tag string) (ID, error) {
	params := map[string]any{"USER_ID": userID, "MESSAGE": message}
	if tag != "" {
		params["TAG"] = tag
	}
	resp, err := c.Call(ctx, "im.notify.system.add", params)
	if err != nil {
		return 0, err
	}
	if string(bytes.TrimSpace(resp.Result)) == "false" {
		return 0, nil
	}
	return parseID("im.notify.system.add", resp.Result)
}

// AppInfo is the result of app.info (§14).
type AppInfo struct {
	ID             ID     `json:"ID"`
	Code           string `json:"CODE"`
	Version        any    `json:"VERSION"`
	Status         string `json:"STATUS"`
	Installed      bool   `json:"INSTALLED"`
	PaymentExpired string `json:"PAYMENT_EXPIRED"`
	Days           any    `json:"DAYS"`
	LanguageID     string `json:"LANGUAGE_ID"`
	License        string `json:"LICENSE"`
	LicenseType    string `json:"LICENSE_TYPE"`
	LicenseFamily  string `json:"LICENSE_FAMILY"`
}

// AppInfo reads app.info.
func (c *Client) AppInfo(ctx context.Context) (*AppInfo, error) {
	var info AppInfo
	return &info, c.callInto(ctx, "app.info", &info)
}

// Profile is the result of profile: the token's user.
type Profile struct {
	ID       ID     `json:"ID"`
	Admin    bool   `json:"ADMIN"`
	Name     string `json:"NAME"`
	LastName string `json:"LAST_NAME"`
	TimeZone string `json:"TIME_ZONE"`
}

// FullName is «Name LastName» as people read it; empty when the portal gave neither.
func (p *Profile) FullName() string { return strings.TrimSpace(p.Name + " " + p.LastName) }

// Profile reads the current token's user (use it to prove a placement's
// AUTH_ID is live for the stored portal).
func (c *Client) Profile(ctx context.Context) (*Profile, error) {
	var p Profile
	return &p, c.callInto(ctx, "profile", &p)
}

func (c *Client) callInto(ctx context.Context, method string, out any) error {
	resp, err := c.CallIdempotent(ctx, method, nil)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp.Result, out); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrBadResponse, method, err)
	}
	return nil
}
