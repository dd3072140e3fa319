package bitrix

import (
	"context"
	"encoding/json"
	"fmt"
)

// UserDepartments reads the departments a user belongs to: user.get filtered by ID (UF_DEPARTMENT is
// among the fields the user_brief scope returns). Docs: api-reference/user/user-get.md and the field
// table of api-reference/user/index.md. A user who is not found or is dismissed (ACTIVE false)
// belongs to none.
func (c *Client) UserDepartments(ctx context.Context, userID ID) ([]ID, error) {
	resp, err := c.CallIdempotent(ctx, "user.get", map[string]any{"FILTER": map[string]any{"ID": userID}})
	if err != nil {
		return nil, err
	}
	var rows []struct {
		ID         ID              `json:"ID"`
		Active     json.RawMessage `json:"ACTIVE"`
		Department []ID            `json:"UF_DEPARTMENT"`
	}
	if err := json.Unmarshal(resp.Result, &rows); err != nil {
		return nil, fmt.Errorf("%w: user.get: %v", ErrBadResponse, err)
	}
	for _, r := range rows {
		if r.ID == userID && (string(r.Active) == "true" || string(r.Active) == `"Y"`) {
			return r.Department, nil
		}
	}
	return nil, nil
}

// Department is one node of the portal's company structure; Parent 0 is the root's.
type Department struct {
	ID     ID     `json:"ID"`
	Name   string `json:"NAME"`
	Parent ID     `json:"PARENT"`
}

// Departments lists the whole company structure: department.get, 50 a page by START (docs:
// api-reference/departments/department-get.md, scope department).
func (c *Client) Departments(ctx context.Context) ([]Department, error) {
	var out []Department
	for start := 0; ; {
		resp, err := c.CallIdempotent(ctx, "department.get", map[string]any{"sort": "ID", "order": "ASC", "START": start})
		if err != nil {
			return nil, err
		}
		var page []Department
		if err := json.Unmarshal(resp.Result, &page); err != nil {
			return nil, fmt.Errorf("%w: department.get: %v", ErrBadResponse, err)
		}
		out = append(out, page...)
		if resp.Next <= start || len(page) == 0 {
			return out, nil
		}
		start = resp.Next
	}
}
