package io.github.serializedby.demo.account;

/** An account and its balance, in whole currency units. */
public record Account(long id, String owner, long balance) {}
