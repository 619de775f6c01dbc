package io.github.serializedby.demo.problem;

/**
 * The account's balance does not cover the amount; answered with 422, since retrying the same request
 * cannot succeed (409 is kept for lock contention, where a retry can).
 */
public class InsufficientFundsException extends RuntimeException {

    private final long accountId;
    private final long balance;
    private final long amount;

    public InsufficientFundsException(long accountId, long balance, long amount) {
        super("Account " + accountId + " has a balance of " + balance + ", which does not cover " + amount);
        this.accountId = accountId;
        this.balance = balance;
        this.amount = amount;
    }

    public long accountId() {
        return accountId;
    }

    public long balance() {
        return balance;
    }

    public long amount() {
        return amount;
    }
}
