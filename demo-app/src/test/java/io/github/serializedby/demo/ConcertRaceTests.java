package io.github.serializedby.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.demo.DemoClient.Answer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Many buyers at once for a concert with few seats: every seat sold once, none oversold. */
class ConcertRaceTests extends LockedDemoTest {

    @Test
    void twentyBuyersAtOnceForFiveSeatsBuyExactlyFive() {
        long concert = http.send(http.post("/concerts", "{\"title\":\"test\",\"seats\":5}"))
                .number("id");

        List<Answer> answers =
                http.together(20, http.post("/concerts/" + concert + "/seats", "{\"userId\":\"buyer\"}"));

        assertThat(answers).filteredOn(a -> a.status() == 201).hasSize(5);
        assertThat(answers)
                .filteredOn(a -> a.status() == 422)
                .hasSize(15)
                .allSatisfy(a -> assertThat(a.json().get("type").asString())
                        .isEqualTo("urn:serialized-by:demo:problem:sold-out"));
        assertThat(http.send(http.get("/concerts/" + concert)).number("sold")).isEqualTo(5);
    }
}
