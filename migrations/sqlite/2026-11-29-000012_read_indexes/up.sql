-- Found by the benchmark on the national data set (BENCHMARKS.md).
-- A post's latest case: was a scan of every case.
CREATE INDEX cases_request_idx ON cases (request_id, created_at DESC, id DESC);
-- Open posts of one kind in a neighbourhood (suggestions, the public page): were a scan of the
-- neighbourhood's whole history. Not a partial index: the status comes as a bound parameter,
-- which a partial index's predicate cannot be matched against in a generic plan.
CREATE INDEX posts_kind_status_idx ON posts (neighbourhood_id, kind, status, created_at DESC, id DESC);
