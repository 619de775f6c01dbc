package io.github.serializedby.demo.account;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** Plain reads and writes of accounts and withdrawals; no row locks, no conditional updates. */
@Repository
public class AccountRepository {

    private final JdbcClient jdbc;

    public AccountRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Account> find(long id) {
        return jdbc.sql("SELECT id, owner, balance FROM account WHERE id = ?")
                .param(id)
                .query(Account.class)
                .optional();
    }

    public long create(String owner, long balance) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO account (owner, balance) VALUES (?, ?)")
                .params(owner, balance)
                .update(key, "id");
        return Objects.requireNonNull(key.getKey(), "generated id").longValue();
    }

    public void setBalance(long id, long balance) {
        jdbc.sql("UPDATE account SET balance = ? WHERE id = ?")
                .params(balance, id)
                .update();
    }

    public long recordWithdrawal(long accountId, long amount, long balanceAfter) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO withdrawal (account_id, amount, balance_after) VALUES (?, ?, ?)")
                .params(accountId, amount, balanceAfter)
                .update(key, "id");
        return Objects.requireNonNull(key.getKey(), "generated id").longValue();
    }

    @SuppressWarnings("NullAway") // rows mapped to records are never null
    public List<Withdrawal> withdrawals(long accountId) {
        return jdbc.sql("SELECT id, account_id, amount, balance_after AS balance FROM withdrawal"
                        + " WHERE account_id = ? ORDER BY id")
                .param(accountId)
                .query(Withdrawal.class)
                .list();
    }
}
