// Package robots runs Bitrix24 business-process robots. «Разделить счёт на части» splits a smart
// invoice into N invoices that keep the total, VAT and product rows exact, and makes its parts
// instalments of the deal's schedule, so payment, reminders and overdue marking work for them.
//
// A robot call is stored (split_runs, unique per portal and event_token) and answered at once; the
// split runs in the outbox and resumes after a crash: parts already made are found by their xmlId.
// The result goes back to the business process with bizproc.event.send.
package robots

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"b24pay/bitrix"
	"b24pay/clock"
	"b24pay/instalment"
	"b24pay/outbox"
	"b24pay/portal"
	"b24pay/schedules"
	"b24pay/store"
)

// Outbox topics handled by this package.
const (
	TopicSplit = "b24.robot.split"
	TopicReply = "b24.robot.reply"
)

// ErrNotFound is returned for a run of another portal or deal, or none at all.
var ErrNotFound = errors.New("robots: no such split")

// Service runs split requests.
type Service struct {
	db          *store.DB
	clock       clock.Clock
	loc         *time.Location
	portals     *portal.Repo
	clients     *portal.Clients
	instalments *instalment.Service
	log         *slog.Logger

	afterPart func(run int64, k int) error // test hook: called after part k (1-based) is recorded
}

// NewService wires the robots domain; loc is the portal's time zone (for "today").
func NewService(db *store.DB, clk clock.Clock, loc *time.Location, portals *portal.Repo, clients *portal.Clients,
	instalments *instalment.Service, log *slog.Logger) *Service {
	return &Service{db: db, clock: clk, loc: loc, portals: portals, clients: clients, instalments: instalments, log: log}
}

// Register adds the package's outbox handlers to a worker.
func (s *Service) Register(w *outbox.Worker) {
	w.Handle(TopicSplit, s.handleSplit)
	w.Handle(TopicReply, s.handleReply)
}

// Today is the portal's calendar date now.
func (s *Service) Today() schedules.Date {
	t := s.clock.Now().In(s.loc)
	return schedules.NewDate(t.Year(), t.Month(), t.Day())
}

// workflowPrefix keys a run that nobody waits for (USE_SUBSCRIPTION=N) by its workflow id.
const workflowPrefix = "workflow:"

type runJob struct {
	RunID int64 `json:"run_id"`
}

// jobRun loads the run an outbox job is about.
func (s *Service) jobRun(ctx context.Context, job outbox.Job) (*Run, error) {
	var j runJob
	if err := job.Decode(&j); err != nil {
		return nil, err
	}
	run, err := s.Get(ctx, job.MemberID, j.RunID)
	if err != nil {
		return nil, outbox.Permanent(err)
	}
	return run, nil
}

// AcceptRobot stores a verified robot call and queues its work; the same event_token delivered
// again (a retry, a duplicate, two at once) is a no-op. A request whose properties are wrong is
// stored as failed and its error text is sent back to the business process.
func (s *Service) AcceptRobot(ctx context.Context, memberID string, req *bitrix.RobotRequest) error {
	token := req.EventToken
	if token == "" { // USE_SUBSCRIPTION=N: nothing to answer, the workflow id keys the run
		token = workflowPrefix + req.WorkflowID
	}
	run := Run{MemberID: memberID, EventToken: token, Source: SourceRobot, Document: req.DocumentID[2],
		CreatedBy: int64(req.Auth.UserID)}
	in, err := FormOf(req.Property).Input(s.Today())
	if err == nil {
		err = checkDocument(run.Document, &in)
	}
	if err != nil {
		_, err = s.acceptFailed(ctx, run, err.Error())
		return err
	}
	_, err = s.accept(ctx, run, in)
	return err
}

// checkDocument accepts the documents the robot is offered for: smart invoices (which split
// themselves, whatever «Номер счёта» says) and deals.
func checkDocument(doc string, in *Input) error {
	t, err := bitrix.ParseDocumentID(doc)
	switch {
	case err == nil && t.EntityTypeID == SmartInvoiceType:
		in.InvoiceID = int64(t.ID)
		return nil
	case err == nil && t.EntityTypeID == dealType:
		return nil
	}
	return userErrorf("Робот работает только в счетах и сделках, а запущен для «%s».", doc)
}

// dealOf is the deal a run's document names (0 for an invoice).
func dealOf(doc string) int64 {
	if t, err := bitrix.ParseDocumentID(doc); err == nil && t.EntityTypeID == dealType {
		return int64(t.ID)
	}
	return 0
}

func (s *Service) accept(ctx context.Context, run Run, in Input) (int64, error) {
	body, _ := json.Marshal(in)
	run.Input, run.Status, run.InvoiceID = string(body), RunPending, in.InvoiceID
	return s.store(ctx, run, TopicSplit)
}

func (s *Service) acceptFailed(ctx context.Context, run Run, text string) (int64, error) {
	run.Input, run.Status, run.Error = "{}", RunFailed, text
	return s.store(ctx, run, TopicReply)
}

// store inserts the run and its outbox message in one transaction; a run with the same event
// token already stored wins, and its id is returned.
func (s *Service) store(ctx context.Context, run Run, topic string) (int64, error) {
	now := s.clock.Now()
	run.CreatedAt, run.UpdatedAt = now, now
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&run).Error; err != nil {
			return err
		}
		if topic == TopicReply && run.Source != SourceRobot {
			return nil
		}
		return outbox.Enqueue(tx, now, outbox.Message{Topic: topic, MemberID: run.MemberID, Key: topic + ":" + itoa(run.ID),
			Payload: runJob{RunID: run.ID}})
	})
	if store.IsUniqueViolation(err) {
		var first Run
		err = s.db.WithContext(ctx).Where("member_id = ? AND event_token = ?", run.MemberID, run.EventToken).Take(&first).Error
		return first.ID, err
	}
	return run.ID, err
}

// Get returns a run of the portal.
func (s *Service) Get(ctx context.Context, memberID string, id int64) (*Run, error) {
	var r Run
	err := s.db.WithContext(ctx).Where("id = ? AND member_id = ?", id, memberID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &r, err
}
