package bitrix

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The client parses every recorded answer of the conformance table (bitrix/b24fake/testdata/conformance):
// the envelope, the typed wrappers the app uses, and the errors as their sentinels.

type conformanceRow struct {
	Method   string          `json:"method"`
	Doc      string          `json:"doc"`
	Status   int             `json:"status"`
	Answer   json.RawMessage `json:"answer"`
	Sentinel string          `json:"sentinel"`
}

var sentinelByName = map[string]error{"ErrNotFound": ErrNotFound, "ErrAccessDenied": ErrAccessDenied, "ErrInsufficientScope": ErrInsufficientScope}

// typedParse runs the client's own wrapper for a method over the recorded answer.
var typedParse = map[string]func(ctx context.Context, c *Client) error{
	"crm.item.add":             func(ctx context.Context, c *Client) error { return itemErr(c.ItemAdd(ctx, 31, map[string]any{})) },
	"crm.item.update":          func(ctx context.Context, c *Client) error { return itemErr(c.ItemUpdate(ctx, 31, 1, map[string]any{})) },
	"crm.item.get":             func(ctx context.Context, c *Client) error { return itemErr(c.ItemGet(ctx, 31, 1)) },
	"crm.item.delete":          func(ctx context.Context, c *Client) error { return c.ItemDelete(ctx, 31, 1) },
	"crm.item.productrow.set":  func(ctx context.Context, c *Client) error { return rowsErr(c.ProductRowsSet(ctx, "SI", 1, []any{})) },
	"crm.item.productrow.list": func(ctx context.Context, c *Client) error { return rowsErr(c.ProductRows(ctx, "SI", 1)) },
	"crm.item.list": func(ctx context.Context, c *Client) error {
		n := 0
		err := c.ItemFind(ctx, 31, nil, []string{"id"}, func(it *Item) error { n++; return nil })
		return nonEmpty(n, err)
	},
	"crm.requisite.list": func(ctx context.Context, c *Client) error { return rowsErr(c.Requisites(ctx, 4, 1)) },
	"crm.duplicate.findbycomm": func(ctx context.Context, c *Client) error {
		d, err := c.FindByComm(ctx, "PHONE", "CONTACT", []string{"8976543"})
		return nonEmpty(len(d["CONTACT"]), err)
	},
	"crm.requisite.preset.list": func(ctx context.Context, c *Client) error { return rowsErr(c.RequisitePresets(ctx, 1)) },
	"crm.contact.add":           func(ctx context.Context, c *Client) error { return idErr(c.ContactAdd(ctx, nil)) },
	"crm.company.add":           func(ctx context.Context, c *Client) error { return idErr(c.CompanyAdd(ctx, nil)) },
	"crm.requisite.add":         func(ctx context.Context, c *Client) error { return idErr(c.RequisiteAdd(ctx, nil)) },
	"crm.deal.get":              func(ctx context.Context, c *Client) error { return rawErr(c.DealGet(ctx, 1)) },
	"crm.contact.get":           func(ctx context.Context, c *Client) error { return rawErr(c.ContactGet(ctx, 1)) },
	"crm.company.get":           func(ctx context.Context, c *Client) error { return rawErr(c.CompanyGet(ctx, 1)) },
	"im.notify.system.add": func(ctx context.Context, c *Client) error {
		id, err := c.NotifySystem(ctx, 1, "x", "")
		return nonEmpty(int(id), err)
	},
	"sale.paysystem.handler.add": func(ctx context.Context, c *Client) error { return idErr(c.PaySystemHandlerAdd(ctx, nil)) },
	"sale.paysystem.add":         func(ctx context.Context, c *Client) error { return idErr(c.PaySystemAdd(ctx, nil)) },
	"placement.bind":             func(ctx context.Context, c *Client) error { return c.PlacementBind(ctx, PlacementBinding{}) },
	"event.bind":                 func(ctx context.Context, c *Client) error { return c.EventBind(ctx, EventBinding{}) },
	"bizproc.robot.add":          func(ctx context.Context, c *Client) error { return c.RobotAdd(ctx, nil) },
	"bizproc.event.send":         func(ctx context.Context, c *Client) error { return c.RobotReply(ctx, "t", nil, "") },
	"app.info": func(ctx context.Context, c *Client) error {
		info, err := c.AppInfo(ctx)
		return nonEmpty(int(info.ID), err)
	},
	"user.get": func(ctx context.Context, c *Client) error {
		deps, err := c.UserDepartments(ctx, 1)
		if err == nil && (len(deps) != 1 || deps[0] != 1) {
			err = fmt.Errorf("departments %v, want [1]", deps)
		}
		return err
	},
	"department.get": func(ctx context.Context, c *Client) error {
		deps, err := c.Departments(ctx)
		if err == nil && (len(deps) != 2 || deps[1].Parent != 1) {
			err = fmt.Errorf("departments %+v, want 1 and 15 under it", deps)
		}
		return err
	},
	"profile": func(ctx context.Context, c *Client) error {
		p, err := c.Profile(ctx)
		return nonEmpty(int(p.ID), err)
	},
	"batch": func(ctx context.Context, c *Client) error {
		b := &Batch{}
		b.Add("a", "crm.item.get", map[string]any{"entityTypeId": 31, "id": 1})
		res, err := c.Batch(ctx, b)
		if err != nil {
			return err
		}
		return nonEmpty(len(res.Results["a"]), nil)
	},
}

func itemErr(it *Item, err error) error {
	if err == nil && it.ID == 0 {
		return ErrBadResponse
	}
	return err
}

func rowsErr(rows []json.RawMessage, err error) error { return nonEmpty(len(rows), err) }

func rawErr(raw json.RawMessage, err error) error { return nonEmpty(len(raw), err) }

func idErr(id ID, err error) error { return nonEmpty(int(id), err) }

func nonEmpty(n int, err error) error {
	if err == nil && n == 0 {
		return ErrBadResponse
	}
	return err
}

func TestConformanceClientParsesTheRecordedAnswers(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("b24fake/testdata/conformance/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		var row conformanceRow
		require.NoError(t, json.Unmarshal(raw, &row))
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.stub.rest = func(w http.ResponseWriter, _ string, _ map[string]any) { reply(w, row.Status, string(row.Answer)) }
			c := b.client(t)
			ctx := context.Background()
			parse, typed := typedParse[row.Method]
			if !typed {
				parse = func(ctx context.Context, c *Client) error {
					_, err := c.CallIdempotent(ctx, row.Method, nil)
					return err
				}
			}
			err := parse(ctx, c)
			if row.Status == http.StatusOK {
				require.NoError(t, err, row.Doc)
				return
			}
			var ae *APIError
			require.ErrorAs(t, err, &ae, row.Doc)
			if row.Sentinel != "" {
				require.ErrorIs(t, err, sentinelByName[row.Sentinel], row.Doc)
			}
		})
	}
}
