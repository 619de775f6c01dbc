package io.github.serializedby.demo.owner;

/** A pet of an owner. */
public record Pet(long id, long ownerId, String name) {}
