package io.github.serializedby.demo.concert;

/** A concert with {@code seats} seats, of which {@code sold} are sold. */
public record Concert(long id, String title, long seats, long sold) {}
