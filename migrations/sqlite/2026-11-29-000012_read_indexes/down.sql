DROP INDEX posts_kind_status_idx;
DROP INDEX cases_request_idx;
