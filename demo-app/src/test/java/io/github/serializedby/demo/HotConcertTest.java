package io.github.serializedby.demo;

import io.github.serializedby.demo.DemoClient.Answer;
import io.github.serializedby.demo.GatedSlowWork.Gate;
import io.github.serializedby.demo.SlowWork.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.springframework.test.context.TestPropertySource;

/**
 * The demo with a Tomcat of 8 request threads, and buyers of a concert who wait up to 30 s: a hot
 * concert's buyers can then park every request thread, unless a bound on waiting turns them away.
 */
@TestPropertySource(properties = {"server.tomcat.threads.max=8", "serialized-by.instances.concerts.wait-timeout=30s"})
abstract class HotConcertTest extends LockedDemoTest {

    /** Tomcat's request threads in these tests. */
    static final int REQUEST_THREADS = 8;

    /** Buyers sent at once for the hot concert: more than there are request threads. */
    static final int FLOOD = 20;

    private final ExecutorService clients = Executors.newCachedThreadPool();

    @AfterEach
    void stopClients() {
        clients.shutdownNow();
    }

    /** A concert flooded, another one, and the flooded one's first buyer, held at a gate inside its lock. */
    record Held(long hot, long other, Gate gate, CompletableFuture<Answer> holder) {}

    /** Starts a buyer of a new concert and holds it in its slow step, inside the concert's lock. */
    Held holdAConcert() {
        long hot = newConcert(100);
        long other = newConcert(100);
        Gate gate = slowWork.arm(Step.SEAT, 1);
        CompletableFuture<Answer> holder = buyLater(hot, "holder");
        gate.awaitArrived();
        return new Held(hot, other, gate, holder);
    }

    long newConcert(long seats) {
        return http.send(http.post("/concerts", "{\"title\":\"test\",\"seats\":" + seats + "}"))
                .number("id");
    }

    /** Sends a buy of a seat of {@code concert} on a client thread of its own. */
    CompletableFuture<Answer> buyLater(long concert, String user) {
        return CompletableFuture.supplyAsync(() -> http.send(buy(concert, user)), clients);
    }

    /** {@link #FLOOD} buyers of {@code concert}, each sent on a client thread of its own. */
    List<CompletableFuture<Answer>> flood(long concert) {
        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
            answers.add(buyLater(concert, "flood-" + i));
        }
        return answers;
    }

    Answer buy(long concert) {
        return http.send(buy(concert, "other"));
    }

    long sold(long concert) {
        return http.send(http.get("/concerts/" + concert)).number("sold");
    }

    private java.net.http.HttpRequest buy(long concert, String user) {
        return http.post("/concerts/" + concert + "/seats", "{\"userId\":\"" + user + "\"}");
    }
}
