package robots

import (
	"strconv"
	"strings"
	"time"
)

// Run statuses.
const (
	RunPending = "pending"
	RunDone    = "done"
	RunFailed  = "failed"
)

// Run sources.
const (
	SourceRobot = "robot"
	SourceTab   = "tab"
)

// Run is one split request (split_runs): a robot call, unique per portal and event token, or a
// manager's request from the deal tab.
type Run struct {
	ID         int64
	MemberID   string
	EventToken string
	Source     string
	Document   string // the business-process document ("SMART_INVOICE_77", "DEAL_5")
	Input      string // Input as JSON
	InvoiceID  int64  // the invoice being split, once resolved
	Snapshot   string // the invoice as first read (source as JSON), so a retry cuts the same parts
	PartIDs    string // ids of the parts made so far, comma-separated, in part order
	Commented  bool   // the original's timeline comment is written
	Status     string
	Error      string
	CreatedBy  int64
	CreatedAt  time.Time
	UpdatedAt  time.Time `gorm:"autoUpdateTime:false"`
}

// TableName maps Run to its table.
func (Run) TableName() string { return "split_runs" }

// Parts returns the ids of the parts made so far.
func (r Run) Parts() []int64 {
	var out []int64
	for _, s := range strings.Split(r.PartIDs, ",") {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}
