package finance

import (
	"context"
	"strconv"
	"sync"
	"time"

	"b24pay/bitrix"
)

// DepartmentsTTL bounds how long a user's departments and the portal's company structure read from
// Bitrix24 are reused: a user moved to another department gains or loses a department's finance role
// within it. A grant changed on the settings page takes effect at once (it is read on every request).
const DepartmentsTTL = 5 * time.Minute

// departmentCache keeps what Bitrix24 said about users' departments and the company structure, per
// portal, for DepartmentsTTL (per process: a replica asks on its own, which changes nothing but the
// number of calls).
type departmentCache struct {
	mu     sync.Mutex
	users  map[string]cached[[]int64]         // member_id/user → UF_DEPARTMENT
	parent map[string]cached[map[int64]int64] // member_id → department → its parent
}

type cached[T any] struct {
	value T
	at    time.Time
}

// userDepartments is the user's departments and every department above them, so that a role granted
// to a department reaches its sub-departments.
func (s *Service) userDepartments(ctx context.Context, memberID string, userID int64) ([]int64, error) {
	mine, err := s.cachedUser(ctx, memberID, userID)
	if err != nil || len(mine) == 0 {
		return nil, err
	}
	parent, err := s.cachedTree(ctx, memberID)
	if err != nil {
		return nil, err
	}
	out := []int64{}
	seen := map[int64]bool{}
	for _, d := range mine {
		for steps := 0; d != 0 && !seen[d] && steps <= len(parent); steps++ { // a cycle in the data ends the walk
			seen[d] = true
			out = append(out, d)
			d = parent[d]
		}
	}
	return out, nil
}

func (s *Service) cachedUser(ctx context.Context, memberID string, userID int64) ([]int64, error) {
	return fresh(ctx, s, memberID, &s.deps.users, memberID+"/"+strconv.FormatInt(userID, 10), func(cl *bitrix.Client) ([]int64, error) {
		ids, err := cl.UserDepartments(ctx, bitrix.ID(userID))
		deps := make([]int64, len(ids))
		for i, id := range ids {
			deps[i] = int64(id)
		}
		return deps, err
	})
}

func (s *Service) cachedTree(ctx context.Context, memberID string) (map[int64]int64, error) {
	return fresh(ctx, s, memberID, &s.deps.parent, memberID, func(cl *bitrix.Client) (map[int64]int64, error) {
		list, err := cl.Departments(ctx)
		parent := make(map[int64]int64, len(list))
		for _, d := range list {
			parent[int64(d.ID)] = int64(d.Parent)
		}
		return parent, err
	})
}

// fresh answers key from the cache while it is younger than DepartmentsTTL, else reads it from the
// portal's Bitrix24 with load and keeps it (an error is not kept).
func fresh[T any](ctx context.Context, s *Service, memberID string, m *map[string]cached[T], key string, load func(*bitrix.Client) (T, error)) (T, error) {
	now := s.clock.Now()
	s.deps.mu.Lock()
	hit, ok := (*m)[key]
	s.deps.mu.Unlock()
	if ok && now.Sub(hit.at) < DepartmentsTTL {
		return hit.value, nil
	}
	var zero T
	cl, err := s.clients.For(ctx, memberID)
	if err != nil {
		return zero, err
	}
	v, err := load(cl)
	if err != nil {
		return zero, err
	}
	s.deps.mu.Lock()
	defer s.deps.mu.Unlock()
	if *m == nil {
		*m = map[string]cached[T]{}
	}
	(*m)[key] = cached[T]{v, now}
	return v, nil
}
