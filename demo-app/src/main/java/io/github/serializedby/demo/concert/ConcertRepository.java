package io.github.serializedby.demo.concert;

import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** Plain reads and inserts of concerts and their seats. */
@Repository
public class ConcertRepository {

    private static final String CONCERT_COLUMNS = "SELECT c.id, c.title, c.seats,"
            + " (SELECT COUNT(*) FROM seat s WHERE s.concert_id = c.id) AS sold FROM concert c";

    private final JdbcClient jdbc;

    public ConcertRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Concert create(String title, long seats) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO concert (title, seats) VALUES (?, ?)")
                .params(title, seats)
                .update(key, "id");
        return concert(Objects.requireNonNull(key.getKey(), "generated id").longValue())
                .orElseThrow();
    }

    public Optional<Concert> concert(long id) {
        return jdbc.sql(CONCERT_COLUMNS + " WHERE c.id = ?")
                .param(id)
                .query(Concert.class)
                .optional();
    }

    public Seat sell(long concertId, String userId) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO seat (concert_id, user_id) VALUES (?, ?)")
                .params(concertId, userId)
                .update(key, "id");
        long id = Objects.requireNonNull(key.getKey(), "generated id").longValue();
        return jdbc.sql("SELECT id, concert_id, user_id, sold_at FROM seat WHERE id = ?")
                .param(id)
                .query(Seat.class)
                .single();
    }
}
