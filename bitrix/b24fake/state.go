package b24fake

import (
	"sort"
	"strconv"
	"time"
)

// record is one stored CRM object: crm.item (camelCase) keys, user fields under UF_CRM_ names.
type record map[string]any

type entityStore struct {
	next int
	ids  []int // ascending
	rows map[int]record
}

func newEntityStore() *entityStore { return &entityStore{next: 1, rows: map[int]record{}} }

func (e *entityStore) insert(r record) int {
	id := e.next
	e.next++
	r["id"] = id
	e.rows[id] = r
	e.ids = append(e.ids, id)
	return id
}

func (e *entityStore) remove(id int) {
	delete(e.rows, id)
	i := sort.SearchInts(e.ids, id)
	if i < len(e.ids) && e.ids[i] == id {
		e.ids = append(e.ids[:i], e.ids[i+1:]...)
	}
}

type user struct {
	id                    int
	name, lastName, email string
	admin                 bool
	departments           []int // UF_DEPARTMENT; nil: the root department 1
}

// department is one node of the company structure (department.get).
type department struct {
	id, parent int // parent 0: the root
	name       string
}

type state struct {
	opts         Options
	stores       map[int]*entityStore
	types        []*spaType
	nextTypeID   int
	categories   []*category
	nextCatID    int
	statuses     []*statusRow
	nextStatusID int
	userFields   []*userField
	nextUFID     int
	rows         *entityStore // product rows
	requisites   *entityStore
	bankDetails  *entityStore
	addresses    []record
	reqLinks     []map[string]any
	nextMultiID  int
	comments     []timelineComment
	chats        []*openLineChat
	nextMessage  int
	placements   []PlacementBinding
	bindings     []EventBinding
	nextBinding  int
	robots       []*Robot
	robotRuns    map[string]*robotRun
	psHandlers   []*payHandler
	paySystems   []*paySystem
	payments     map[int]*Payment
	orders       map[[2]int]int
	nextPayment  int
	notes        []Notification
	users        map[int]user
	departments  []department
	appOptions   map[string]any
	installed    bool
}

func newState(opts Options) *state {
	s := &state{
		opts: opts, stores: map[int]*entityStore{}, nextTypeID: 1, nextCatID: 10, nextStatusID: 1,
		nextUFID: 1, rows: newEntityStore(), requisites: newEntityStore(), bankDetails: newEntityStore(), nextMultiID: 1, nextBinding: 1,
		robotRuns: map[string]*robotRun{}, payments: map[int]*Payment{}, orders: map[[2]int]int{}, nextPayment: 1,
		appOptions: map[string]any{}, installed: true,
		users: map[int]user{
			1: {id: 1, name: "Анна", lastName: "Админова", email: "admin@example.ru", admin: true},
			2: {id: 2, name: "Иван", lastName: "Менеджеров", email: "manager@example.ru"},
		},
		departments: []department{{id: 1, name: "Компания"}},
	}
	for _, et := range []int{etLead, etDeal, etContact, etCompany, etSmartInvoic} {
		s.stores[et] = newEntityStore()
	}
	s.addCategory(etDeal, 0, "Общая", true)
	s.addCategory(etSmartInvoic, opts.InvoiceCategoryID, "Счета", true)
	s.addStages("STATUS", etLead, 0, "", [][3]string{{"NEW", "Не обработан", ""}, {"IN_PROCESS", "В работе", ""},
		{"PROCESSED", "Обработан", ""}, {"CONVERTED", "Качественный лид", "S"}, {"JUNK", "Некачественный лид", "F"}})
	return s
}

func (s *state) store(etid int) *entityStore { return s.stores[etid] }

func itoa(n int) string { return strconv.Itoa(n) }

// fmtDateTime renders an instant in the portal's offset.
func fmtDateTime(t time.Time) string { return t.In(moscow).Format(time.RFC3339) }

func (s *state) now() time.Time { return s.opts.Now() }
