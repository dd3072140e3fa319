-- +goose Up
-- The claim of due outbox rows as a function, so that it is planned with bitmap and sequential
-- scans off: the only plan left is the ordered scan of outbox_pending that stops after p_limit rows.
-- Planned freely, a burst of pending rows that the table's statistics do not know of yet (a fresh
-- table, or 100 000 rows enqueued since the last ANALYZE) was read whole and sorted on every claim
-- (180 ms per claim of 32 with 100 000 pending), so a drain took time quadratic in the backlog.
-- p_member NULL: any portal. Row locks other claims hold are skipped.
-- +goose StatementBegin
CREATE FUNCTION outbox_claim(p_lease_until TIMESTAMPTZ, p_token TEXT, p_now TIMESTAMPTZ, p_topics TEXT[],
                             p_member TEXT, p_lane SMALLINT, p_limit INTEGER)
RETURNS SETOF outbox
LANGUAGE sql VOLATILE
SET enable_bitmapscan = off
SET enable_seqscan = off
AS $$
    UPDATE outbox SET status = 'running', attempts = attempts + 1, lease_until = p_lease_until, leased_by = p_token,
                      updated_at = p_now
    WHERE id IN (SELECT id FROM outbox
                 WHERE status = 'pending' AND run_at <= p_now AND topic = ANY (p_topics)
                   AND (p_member IS NULL OR member_id = p_member) AND lane <= p_lane
                 ORDER BY lane, run_at, id LIMIT p_limit FOR UPDATE SKIP LOCKED)
    RETURNING *
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION outbox_claim(TIMESTAMPTZ, TEXT, TIMESTAMPTZ, TEXT[], TEXT, SMALLINT, INTEGER);
