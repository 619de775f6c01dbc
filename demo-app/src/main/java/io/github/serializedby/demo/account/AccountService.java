package io.github.serializedby.demo.account;

import io.github.serializedby.demo.SlowWork;
import io.github.serializedby.demo.SlowWork.Step;
import io.github.serializedby.demo.problem.InsufficientFundsException;
import io.github.serializedby.demo.problem.NotFoundException;
import io.github.serializedby.spring.SerializedBy;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Withdrawals and transfers. Both read balances, check them, do slow work and write the new balances
 * back: a lost update waiting to happen, prevented by locking the account. They share the lock name
 * {@code account}, so a withdrawal and a transfer touching the same account also run one at a time.
 * The lock is taken before the transaction begins and released after it commits. Both are fenced: a
 * call whose lease ran out while it waited (a long pause) and passed to a newer holder is refused by the
 * fence as the first step of its transaction, before it reads a balance, and writes nothing.
 */
@Service
public class AccountService {

    private final AccountRepository accounts;
    private final SlowWork slowWork;

    public AccountService(AccountRepository accounts, SlowWork slowWork) {
        this.accounts = accounts;
        this.slowWork = slowWork;
    }

    /** Opens an account with {@code balance}. */
    @Transactional
    public Account open(String owner, long balance) {
        return get(accounts.create(owner, balance));
    }

    /** The account; {@link NotFoundException} when there is none. */
    @Transactional(readOnly = true)
    public Account get(long accountId) {
        return accounts.find(accountId).orElseThrow(() -> new NotFoundException("account", accountId));
    }

    /** The account's accepted withdrawals, oldest first. */
    @Transactional(readOnly = true)
    public List<Withdrawal> withdrawals(long accountId) {
        get(accountId);
        return accounts.withdrawals(accountId);
    }

    /**
     * Withdraws {@code amount}, waiting for other operations on the account to finish first.
     *
     * @throws InsufficientFundsException when the balance does not cover the amount
     * @throws io.github.serializedby.lock.StaleFencingTokenException when the lock was lost before the
     *     transaction began and a newer holder has been admitted since
     */
    @SerializedBy(value = "#accountId", name = "account", instance = "accounts", fenced = true)
    @Transactional
    public Withdrawal withdraw(long accountId, long amount) {
        long balance = get(accountId).balance();
        if (balance < amount) {
            throw new InsufficientFundsException(accountId, balance, amount);
        }
        slowWork.perform(Step.WITHDRAW);
        long newBalance = balance - amount;
        accounts.setBalance(accountId, newBalance);
        long id = accounts.recordWithdrawal(accountId, amount, newBalance);
        return new Withdrawal(id, accountId, amount, newBalance);
    }

    /**
     * Moves {@code amount} from one account to another, holding the locks of both. The starter takes
     * several keys in one order whatever the argument order, so {@code transfer(1, 2)} and {@code
     * transfer(2, 1)} running at once cannot deadlock.
     *
     * @throws InsufficientFundsException when the balance of {@code from} does not cover the amount
     */
    @SerializedBy(
            value = {"#from", "#to"},
            name = "account",
            instance = "accounts",
            fenced = true)
    @Transactional
    public Transfer transfer(long from, long to, long amount) {
        long fromBalance = get(from).balance();
        long toBalance = get(to).balance();
        if (fromBalance < amount) {
            throw new InsufficientFundsException(from, fromBalance, amount);
        }
        slowWork.perform(Step.TRANSFER);
        // Rows are written in id order, so that even with the locks turned off the database itself
        // does not deadlock; the demo is about lost updates.
        if (from < to) {
            accounts.setBalance(from, fromBalance - amount);
            accounts.setBalance(to, toBalance + amount);
        } else {
            accounts.setBalance(to, toBalance + amount);
            accounts.setBalance(from, fromBalance - amount);
        }
        return new Transfer(from, to, amount, fromBalance - amount, toBalance + amount);
    }
}
