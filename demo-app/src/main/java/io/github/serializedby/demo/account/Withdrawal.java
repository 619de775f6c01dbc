package io.github.serializedby.demo.account;

/**
 * An accepted withdrawal.
 *
 * @param balance the balance the withdrawal left
 */
public record Withdrawal(long id, long accountId, long amount, long balance) {}
