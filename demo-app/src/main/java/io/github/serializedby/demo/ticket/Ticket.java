package io.github.serializedby.demo.ticket;

import java.time.Instant;

/** A user's free ticket for an event. */
public record Ticket(long id, long eventId, String userId, Instant createdAt) {}
