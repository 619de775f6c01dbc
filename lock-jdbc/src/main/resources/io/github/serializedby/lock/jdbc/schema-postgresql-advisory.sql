-- Fencing tokens of PostgresAdvisoryLockProvider. Each lock takes one block of 1024 tokens with one
-- nextval, so tokens grow across keys, instances and restarts. The lock itself is a session-level
-- advisory lock, not a row. CACHE must stay 1: a session caching values would hand out tokens smaller than
-- those other sessions already gave (checked at start-up).
CREATE SEQUENCE IF NOT EXISTS serialized_by_fence_token AS BIGINT INCREMENT BY 1024 MINVALUE 1024 START WITH 1024 CACHE 1 NO CYCLE;

-- Unlogged, so emptied by crash recovery and on a promoted standby, where the sequence may have lost
-- its last values: its row says the sequence has been moved past them since.
CREATE UNLOGGED TABLE IF NOT EXISTS serialized_by_fence_advanced (
    id INT PRIMARY KEY CHECK (id = 1)
);
