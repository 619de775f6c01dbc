package io.github.serializedby.demo.ticket;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** Plain reads and inserts of events and tickets. */
@Repository
public class TicketRepository {

    private static final String TICKET_COLUMNS = "SELECT id, event_id, user_id, created_at FROM ticket";

    private final JdbcClient jdbc;

    public TicketRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @SuppressWarnings("NullAway") // rows mapped to records are never null
    public List<Event> events() {
        return jdbc.sql("SELECT id, title FROM event ORDER BY id")
                .query(Event.class)
                .list();
    }

    public Optional<Event> event(long id) {
        return jdbc.sql("SELECT id, title FROM event WHERE id = ?")
                .param(id)
                .query(Event.class)
                .optional();
    }

    @SuppressWarnings("NullAway") // rows mapped to records are never null
    public List<Ticket> tickets(long eventId, String userId) {
        return jdbc.sql(TICKET_COLUMNS + " WHERE event_id = ? AND user_id = ? ORDER BY id")
                .params(eventId, userId)
                .query(Ticket.class)
                .list();
    }

    @SuppressWarnings("NullAway") // rows mapped to records are never null
    public List<Ticket> tickets(long eventId) {
        return jdbc.sql(TICKET_COLUMNS + " WHERE event_id = ? ORDER BY id")
                .param(eventId)
                .query(Ticket.class)
                .list();
    }

    public Ticket create(long eventId, String userId) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO ticket (event_id, user_id) VALUES (?, ?)")
                .params(eventId, userId)
                .update(key, "id");
        long id = Objects.requireNonNull(key.getKey(), "generated id").longValue();
        return jdbc.sql(TICKET_COLUMNS + " WHERE id = ?")
                .param(id)
                .query(Ticket.class)
                .single();
    }
}
