package io.github.serializedby.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.demo.DemoClient.Answer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * With two waiters allowed per concert, a flood of buyers for one concert takes three request threads
 * of eight (the holder and its two waiters); the rest of the flood is told at once to come back (429 with
 * {@code Retry-After}), and a buyer of another concert is served while the hot concert is still held.
 * {@link HotConcertStarvationTests} is the same flood without the bound.
 */
@TestPropertySource(properties = "serialized-by.instances.concerts.max-waiters=2")
class HotConcertSheddingTests extends HotConcertTest {

    private static final int WAITERS = 2;

    @Test
    void aBoundOnWaitersKeepsTheApplicationAnsweringOtherConcertsWhileOneIsFlooded() throws Exception {
        Held held = holdAConcert();
        long hot = held.hot();
        CompletableFuture<Answer> holder = held.holder();

        List<CompletableFuture<Answer>> flood = flood(hot);
        awaitWaitingForLocks(WAITERS);
        Awaitility.await("the rest of the flood answered while the concert is held")
                .atMost(Duration.ofSeconds(20))
                .until(() -> flood.stream().filter(CompletableFuture::isDone).count() == FLOOD - WAITERS);
        Answer otherBuyer = buy(held.other());

        assertThat(otherBuyer.status())
                .as("another concert, while the hot one is held")
                .isEqualTo(201);
        assertThat(holder).as("the hot concert is still held").isNotDone();
        assertThat(flood)
                .filteredOn(CompletableFuture::isDone)
                .extracting(CompletableFuture::join)
                .allSatisfy(refused -> {
                    assertThat(refused.status()).isEqualTo(429);
                    assertThat(refused.contentType()).isEqualTo("application/problem+json");
                    assertThat(refused.json().get("type").asString())
                            .isEqualTo("urn:serialized-by:problem:lock-queue-full");
                    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
                });
        held.gate().open();
        assertThat(holder.get(20, TimeUnit.SECONDS).status()).isEqualTo(201);
        for (CompletableFuture<Answer> waiter : flood) {
            assertThat(waiter.get(20, TimeUnit.SECONDS).status()).isIn(201, 429);
        }
        assertThat(sold(hot)).as("nothing oversold: the holder and its waiters").isEqualTo(1 + WAITERS);
    }
}
