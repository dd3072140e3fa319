package portal

import (
	"context"
	"fmt"
	"strings"

	"b24pay/bitrix"
)

// Stage codes of the instalment smart process, in pipeline order, with their Russian names.
// Semantics "S"/"F" are the pipeline's own success and failure stages, reused rather than rivalled.
var Stages = []stageDef{
	{"planned", "Запланирован", ""},
	{"invoiced", "Счёт выставлен", ""},
	{"partly_paid", "Оплачен частично", ""},
	{"overdue", "Просрочен", ""},
	{"paid", "Оплачен", "S"},
	{"cancelled", "Отменён", "F"},
}

type statusRow struct {
	ID        bitrix.ID `json:"ID"`
	StatusID  string    `json:"STATUS_ID"`
	Name      string    `json:"NAME"`
	Sort      bitrix.ID `json:"SORT"`
	Semantics string    `json:"SEMANTICS"`
}

// ensureStages maps our stage codes onto the pipeline (docs: api-reference/crm/status/crm-status-add.md:
// in-progress stages, then the success stage, then failure stages; the portal refuses an
// in-progress stage sorted after success). Our in-progress stages are added just before the
// success stage; «Оплачен» and «Отменён» are the pipeline's own success and first failure stage,
// renamed so.
// A stage found by our STATUS_ID or by name (portals provisioned by older versions) is kept.
func ensureStages(ctx context.Context, cl *bitrix.Client, v *Provisioned) error {
	var err error
	v.CategoryID, v.Stages, err = ensurePipeline(ctx, cl, v.SPAEntityTypeID, Stages)
	return err
}

// stageDef is one stage of a pipeline we provision; Semantics "S"/"F" marks the success and failure stage.
type stageDef struct{ Code, Name, Semantics string }

// ensurePipeline maps the stage codes onto the default pipeline of a smart process and returns its
// category id and the code → STATUS_ID map.
func ensurePipeline(ctx context.Context, cl *bitrix.Client, entityTypeID int, defs []stageDef) (int, map[string]string, error) {
	categoryID, err := defaultCategory(ctx, cl, entityTypeID)
	if err != nil {
		return 0, nil, err
	}
	entityID := fmt.Sprintf("DYNAMIC_%d_STAGE_%d", entityTypeID, categoryID)
	prefix := fmt.Sprintf("DT%d_%d:", entityTypeID, categoryID)
	rows, err := listStages(ctx, cl, entityID)
	if err != nil {
		return 0, nil, err
	}
	success, failure := semanticStage(rows, "S"), semanticStage(rows, "F")
	if success == nil || failure == nil {
		return 0, nil, fmt.Errorf("the pipeline %s has no success or failure stage", entityID)
	}
	ids := map[string]string{}
	var missing []int
	for i, s := range defs {
		if r := findStage(rows, prefix+ourStageID(s.Code), s.Name); r != nil {
			ids[s.Code] = r.StatusID
			continue
		}
		own := map[string]*statusRow{"S": success, "F": failure}[s.Semantics]
		if own == nil {
			missing = append(missing, i)
			continue
		}
		if err := renameStage(ctx, cl, own, s.Name); err != nil {
			return 0, nil, err
		}
		ids[s.Code] = own.StatusID
	}
	for n, i := range missing {
		s := defs[i]
		fields := map[string]any{"ENTITY_ID": entityID, "STATUS_ID": prefix + ourStageID(s.Code), "NAME": s.Name,
			"SORT": max(1, int(success.Sort)-len(missing)+n)}
		if _, err := cl.Call(ctx, "crm.status.add", map[string]any{"fields": fields}); err != nil {
			return 0, nil, fmt.Errorf("%s: %w", s.Name, err)
		}
		ids[s.Code] = prefix + ourStageID(s.Code)
	}
	return categoryID, ids, nil
}

// renameStage gives the pipeline's own success or failure stage our name («Успех» → «Оплачен»), so
// the portal shows what the item means (docs: api-reference/crm/status/crm-status-update.md). A
// stage already so named is left alone, so a reinstall changes nothing.
func renameStage(ctx context.Context, cl *bitrix.Client, r *statusRow, name string) error {
	if r.Name == name {
		return nil
	}
	if _, err := cl.Call(ctx, "crm.status.update", map[string]any{"id": int64(r.ID), "fields": map[string]any{"NAME": name}}); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	r.Name = name
	return nil
}

func ourStageID(code string) string { return "B24PAY_" + strings.ToUpper(code) }

func defaultCategory(ctx context.Context, cl *bitrix.Client, entityTypeID int) (int, error) {
	var cats struct {
		Categories []struct {
			ID        int    `json:"id"`
			IsDefault string `json:"isDefault"`
		} `json:"categories"`
	}
	if err := call(ctx, cl, "crm.category.list", map[string]any{"entityTypeId": entityTypeID}, &cats); err != nil {
		return 0, err
	}
	id := 0
	for _, c := range cats.Categories {
		if c.IsDefault == "Y" || len(cats.Categories) == 1 {
			id = c.ID
		}
	}
	return id, nil
}

func listStages(ctx context.Context, cl *bitrix.Client, entityID string) ([]statusRow, error) {
	var rows []statusRow
	err := call(ctx, cl, "crm.status.list", map[string]any{"filter": map[string]any{"ENTITY_ID": entityID},
		"order": map[string]any{"SORT": "ASC"}}, &rows)
	return rows, err
}

func semanticStage(rows []statusRow, semantics string) *statusRow {
	for i := range rows {
		if rows[i].Semantics == semantics {
			return &rows[i]
		}
	}
	return nil
}

func findStage(rows []statusRow, statusID, name string) *statusRow {
	for i := range rows {
		if rows[i].StatusID == statusID {
			return &rows[i]
		}
	}
	for i := range rows {
		if rows[i].Name == name {
			return &rows[i]
		}
	}
	return nil
}
