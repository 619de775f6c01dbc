package io.github.serializedby.demo.ticket;

import io.github.serializedby.demo.SlowWork;
import io.github.serializedby.demo.SlowWork.Step;
import io.github.serializedby.demo.problem.NotFoundException;
import io.github.serializedby.spring.SerializedBy;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Free tickets, at most one per user and event: look for the user's ticket, create one if there is
 * none. Without a lock, quick clicks all find none and each creates one.
 */
@Service
public class TicketService {

    private final TicketRepository tickets;
    private final SlowWork slowWork;

    public TicketService(TicketRepository tickets, SlowWork slowWork) {
        this.tickets = tickets;
        this.slowWork = slowWork;
    }

    @Transactional(readOnly = true)
    public List<Event> events() {
        return tickets.events();
    }

    @Transactional(readOnly = true)
    public Event event(long eventId) {
        return tickets.event(eventId).orElseThrow(() -> new NotFoundException("event", eventId));
    }

    /** The tickets of one user for the event; more than one would be the bug this demo prevents. */
    @Transactional(readOnly = true)
    public List<Ticket> tickets(long eventId, String userId) {
        event(eventId);
        return tickets.tickets(eventId, userId);
    }

    /** Every ticket of the event. */
    @Transactional(readOnly = true)
    public List<Ticket> tickets(long eventId) {
        event(eventId);
        return tickets.tickets(eventId);
    }

    /**
     * Gives the user a ticket for the event, or the one they already have. Locked on one combined key,
     * user and event: the same user's clicks for the same event wait for each other, while other users,
     * and the same user's requests for other events, go ahead. (Two keys, {@code {"#eventId",
     * "#userId"}}, would lock the whole event for everyone, and user {@code "1"} would share a key with
     * event 1.)
     */
    @SerializedBy(value = "#eventId + ':' + #userId", name = "participation", instance = "tickets")
    @Transactional
    public Participation participate(long eventId, String userId) {
        event(eventId);
        List<Ticket> existing = tickets.tickets(eventId, userId);
        if (!existing.isEmpty()) {
            return new Participation(existing.get(0), false);
        }
        slowWork.perform(Step.PARTICIPATION);
        return new Participation(tickets.create(eventId, userId), true);
    }
}
