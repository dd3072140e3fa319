package robots

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"b24pay/bitrix"
	"b24pay/outbox"
)

// handleReply answers the waiting business process (bizproc.event.send,
// api-reference/bizproc/bizproc-robot/bizproc-event-send.md): the ids of the new invoices, their
// number and the error text, plus a line for the business-process log.
func (s *Service) handleReply(ctx context.Context, job outbox.Job) error {
	run, err := s.jobRun(ctx, job)
	if err != nil {
		return err
	}
	if run.Source != SourceRobot || strings.HasPrefix(run.EventToken, workflowPrefix) {
		return nil // nobody waits for an answer
	}
	cl, err := s.clients.For(ctx, run.MemberID)
	if err != nil {
		return err
	}
	values, message := replyOf(run)
	err = cl.RobotReply(ctx, run.EventToken, values, message)
	if errors.Is(err, bitrix.ErrAccessDenied) {
		// The workflow no longer waits (finished, timed out, terminated) or was answered already.
		s.log.Warn("robot answer refused: the business process no longer waits", "member_id", run.MemberID, "run", run.ID)
		return nil
	}
	return err
}

func replyOf(run *Run) (map[string]any, string) {
	ids := run.Parts()
	if ids == nil {
		ids = []int64{}
	}
	if run.Status == RunFailed { // parts made before the problem are reported too
		return map[string]any{RetInvoiceIDs: ids, RetPartsCount: len(ids), RetErrorText: run.Error}, "b24pay: " + run.Error
	}
	return map[string]any{RetInvoiceIDs: ids, RetPartsCount: len(ids), RetErrorText: ""},
		fmt.Sprintf("b24pay: счёт №%d разделён на %d %s: №%s", run.InvoiceID, len(ids), partsWord(len(ids)), joinIDsRU(ids))
}

func joinIDsRU(ids []int64) string {
	out := ""
	for i, id := range ids {
		if i > 0 {
			out += ", №"
		}
		out += itoa(id)
	}
	return out
}
