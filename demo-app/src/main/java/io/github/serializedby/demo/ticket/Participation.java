package io.github.serializedby.demo.ticket;

/**
 * The outcome of asking for a ticket.
 *
 * @param ticket the user's ticket for the event
 * @param created whether this request created it, rather than finding it
 */
public record Participation(Ticket ticket, boolean created) {}
