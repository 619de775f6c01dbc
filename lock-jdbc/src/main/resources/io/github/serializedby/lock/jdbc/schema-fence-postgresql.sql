-- Fence table of JdbcLockFence on PostgreSQL: the newest fencing token each resource has admitted. One
-- row per lock id (name and key hashed as the lock providers do) ever fenced, so rows are bounded by the
-- number of resources; lock_name and lock_key are there for people reading the table. A row must never be
-- deleted while a holder of an older lease may still run: its next admission would pass.
CREATE TABLE IF NOT EXISTS serialized_by_fence (
    lock_id   BIGINT PRIMARY KEY,
    token     BIGINT NOT NULL,
    lock_name TEXT NOT NULL,
    lock_key  TEXT NOT NULL
);
