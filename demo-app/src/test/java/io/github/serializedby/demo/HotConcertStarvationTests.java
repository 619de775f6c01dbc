package io.github.serializedby.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.demo.DemoClient.Answer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The control of {@link HotConcertSheddingTests}: with no bound on waiting, a flood of buyers for one
 * concert parks every request thread while the first buyer holds the concert, and a buyer of another
 * concert is not answered at all until the hot concert lets go. Certain, not likely: the holder stands
 * at a gate, and the test waits until every other request thread waits for the lock before it asks.
 */
@TestPropertySource(
        properties = {
            "serialized-by.max-waiters=1000",
            "serialized-by.max-lock-waiters=1000",
            "serialized-by.max-waiting=1000"
        })
class HotConcertStarvationTests extends HotConcertTest {

    @Test
    void withoutABoundAFloodOfBuyersForOneConcertStarvesEveryOtherRequest() throws Exception {
        Held held = holdAConcert();
        long hot = held.hot();
        CompletableFuture<Answer> holder = held.holder();

        List<CompletableFuture<Answer>> flood = flood(hot);
        awaitWaitingForLocks(REQUEST_THREADS - 1);
        CompletableFuture<Answer> otherBuyer = buyLater(held.other(), "other");

        assertThatThrownBy(() -> otherBuyer.get(3, TimeUnit.SECONDS))
                .as("no request thread is free while the hot concert is held")
                .isInstanceOf(TimeoutException.class);
        held.gate().open();
        assertThat(otherBuyer.get(20, TimeUnit.SECONDS).status()).isEqualTo(201);
        assertThat(holder.get(20, TimeUnit.SECONDS).status()).isEqualTo(201);
        for (CompletableFuture<Answer> buyer : flood) {
            assertThat(buyer.get(20, TimeUnit.SECONDS).status()).isEqualTo(201);
        }
        assertThat(sold(hot)).isEqualTo(1 + FLOOD);
    }
}
