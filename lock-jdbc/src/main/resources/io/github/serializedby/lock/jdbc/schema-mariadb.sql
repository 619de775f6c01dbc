-- Lease table of JdbcLeaseTableLockProvider on MariaDB and MySQL (InnoDB). One row per lock id ever
-- taken, kept so that its fencing counter keeps growing; owner and expires_at describe the exclusive
-- holder, shared_until the latest expiry among shared holders, who have a row each in
-- serialized_by_lease_shared. Times are the server's UTC_TIMESTAMP(6), in UTC whatever the
-- session's time_zone.
CREATE TABLE IF NOT EXISTS serialized_by_lease (
    lock_id      BIGINT PRIMARY KEY,
    owner        VARCHAR(64),
    token        BIGINT NOT NULL,
    expires_at   DATETIME(6),
    shared_until DATETIME(6)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS serialized_by_lease_shared (
    lock_id    BIGINT NOT NULL,
    owner      VARCHAR(64) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    PRIMARY KEY (lock_id, owner)
) ENGINE = InnoDB;
