package io.github.serializedby.demo.ticket;

/** An event with free tickets. */
public record Event(long id, String title) {}
