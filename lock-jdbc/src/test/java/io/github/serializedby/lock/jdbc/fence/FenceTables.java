package io.github.serializedby.lock.jdbc.fence;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

/** The user's table the tests protect: accounts with a balance and a nullable fence-token column. */
final class FenceTables {

    static final String ACCOUNTS = "fence_test_account";

    private FenceTables() {}

    static void createAccounts(JdbcTemplate jdbc) {
        jdbc.execute("create table if not exists " + ACCOUNTS
                + " (id bigint primary key, balance bigint not null, fence_token bigint)");
    }

    static void insertAccount(JdbcTemplate jdbc, long id, long balance, @Nullable Long token) {
        jdbc.update("insert into " + ACCOUNTS + " (id, balance, fence_token) values (?, ?, ?)", id, balance, token);
    }

    static long balance(JdbcTemplate jdbc, long id) {
        Long balance = jdbc.queryForObject("select balance from " + ACCOUNTS + " where id = ?", Long.class, id);
        return balance == null ? -1 : balance;
    }
}
