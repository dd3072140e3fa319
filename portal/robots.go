package portal

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"b24pay/bitrix"
)

// Robot is a business-process robot to register: its CODE and the other bizproc.robot.add
// parameters (HANDLER, NAME, PROPERTIES, RETURN_PROPERTIES, FILTER, …).
type Robot struct {
	Code   string
	Params map[string]any
}

// EnsureRobots registers each robot once and brings an existing registration up to date, so it
// is safe on every install and update. Docs: api-reference/bizproc/bizproc-robot/bizproc-robot-list.md,
// bizproc-robot-add.md (ERROR_ACTIVITY_ALREADY_INSTALLED on a second add), bizproc-robot-update.md
// (CODE + FIELDS).
func EnsureRobots(ctx context.Context, cl *bitrix.Client, robots []Robot) error {
	if len(robots) == 0 {
		return nil
	}
	var codes []string
	if err := call(ctx, cl, "bizproc.robot.list", nil, &codes); err != nil {
		return err
	}
	for _, r := range robots {
		if err := ensureRobot(ctx, cl, r, slices.Contains(codes, r.Code)); err != nil {
			return fmt.Errorf("%s: %w", r.Code, err)
		}
	}
	return nil
}

func ensureRobot(ctx context.Context, cl *bitrix.Client, r Robot, exists bool) error {
	if !exists {
		params := map[string]any{"CODE": r.Code}
		for k, v := range r.Params {
			params[k] = v
		}
		err := cl.RobotAdd(ctx, params)
		var apiErr *bitrix.APIError
		if err == nil || !errors.As(err, &apiErr) || apiErr.Code != "ERROR_ACTIVITY_ALREADY_INSTALLED" {
			return err
		}
	}
	_, err := cl.CallIdempotent(ctx, "bizproc.robot.update", map[string]any{"CODE": r.Code, "FIELDS": r.Params})
	return err
}
