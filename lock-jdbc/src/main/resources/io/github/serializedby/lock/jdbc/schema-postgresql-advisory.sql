-- Fencing counters of PostgresAdvisoryLockProvider: one row per lock id ever taken, kept forever so that
-- tokens keep growing across restarts. The lock itself is a session-level advisory lock, not a row.
CREATE TABLE IF NOT EXISTS serialized_by_fence (
    lock_id BIGINT PRIMARY KEY,
    token   BIGINT NOT NULL
);
