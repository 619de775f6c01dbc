-- Lease table of JdbcLeaseTableLockProvider on PostgreSQL. One row per lock id ever taken, kept so that
-- its fencing counter keeps growing; owner and expires_at describe the exclusive holder, shared_until the
-- latest expiry among shared holders, who have a row each in serialized_by_lease_shared. Times are instants
-- (TIMESTAMP WITH TIME ZONE, never TIMESTAMP), so the session's TimeZone cannot shift them.
CREATE TABLE IF NOT EXISTS serialized_by_lease (
    lock_id      BIGINT PRIMARY KEY,
    owner        VARCHAR(64),
    token        BIGINT NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE,
    shared_until TIMESTAMP WITH TIME ZONE
);

CREATE TABLE IF NOT EXISTS serialized_by_lease_shared (
    lock_id    BIGINT NOT NULL,
    owner      VARCHAR(64) NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (lock_id, owner)
);
