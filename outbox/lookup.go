package outbox

import (
	"context"

	"b24pay/store"
)

// ByKeys returns the portal's messages that carry one of the keys, by key: how far each effect got
// (pending, running, done or dead), for people waiting on it.
func ByKeys(ctx context.Context, db *store.DB, memberID string, keys []string) (map[string]Row, error) {
	var rows []Row
	if err := db.WithContext(ctx).Where("member_id = ? AND dedup_key IN ?", memberID, keys).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]Row, len(rows))
	for _, r := range rows {
		out[*r.DedupKey] = r
	}
	return out, nil
}
