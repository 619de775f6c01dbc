package io.github.serializedby.demo.account;

/** A transfer that took place, with the balances it left on both accounts. */
public record Transfer(long from, long to, long amount, long fromBalance, long toBalance) {}
