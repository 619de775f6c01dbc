package io.github.serializedby.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.demo.DemoClient.Answer;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Many clicks at once for a free ticket: exactly one ticket per user and event. */
class ParticipationRaceTests extends LockedDemoTest {

    @Test
    void aUserClickingFiftyTimesAtOnceGetsExactlyOneTicket() {
        String user = newUser();

        List<Answer> answers = http.together(50, participation(1, user));

        assertThat(answers).filteredOn(a -> a.status() == 201).hasSize(1);
        assertThat(answers).filteredOn(a -> a.status() == 200).hasSize(49);
        assertThat(answers)
                .extracting(a -> a.number("id"))
                .containsOnly(answers.get(0).number("id"));
        assertThat(ticketsInDatabase(1, user)).isEqualTo(1);
    }

    @Test
    void tenUsersClickingFiveTimesEachGetOneTicketEach() {
        List<String> users = new ArrayList<>();
        List<HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            users.add(newUser());
        }
        for (int click = 0; click < 5; click++) {
            users.forEach(user -> requests.add(participation(2, user)));
        }

        List<Answer> answers = http.together(requests);

        assertThat(answers).extracting(Answer::status).isSubsetOf(200, 201);
        assertThat(answers).filteredOn(a -> a.status() == 201).hasSize(10);
        assertThat(users)
                .allSatisfy(user -> assertThat(ticketsInDatabase(2, user)).isEqualTo(1));
        assertThat(users)
                .allSatisfy(user -> assertThat(http.send(http.get("/events/2/tickets?userId=" + user))
                                .json())
                        .hasSize(1));
    }

    @Test
    void theSameUserGetsOneTicketForEachEvent() {
        String user = newUser();
        List<HttpRequest> requests = new ArrayList<>();
        for (int click = 0; click < 25; click++) {
            requests.add(participation(1, user));
            requests.add(participation(2, user));
        }

        List<Answer> answers = http.together(requests);

        assertThat(answers).filteredOn(a -> a.status() == 201).hasSize(2);
        assertThat(ticketsInDatabase(1, user)).isEqualTo(1);
        assertThat(ticketsInDatabase(2, user)).isEqualTo(1);
    }

    private HttpRequest participation(long event, String user) {
        return http.post("/events/" + event + "/tickets", "{\"userId\":\"" + user + "\"}");
    }

    private long ticketsInDatabase(long event, String user) {
        return jdbc.sql("SELECT COUNT(*) FROM ticket WHERE event_id = ? AND user_id = ?")
                .params(event, user)
                .query(Long.class)
                .single();
    }

    private static String newUser() {
        return "user-" + UUID.randomUUID();
    }
}
