package io.github.serializedby.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.demo.DemoClient.Answer;
import io.github.serializedby.demo.GatedSlowWork.Gate;
import io.github.serializedby.demo.SlowWork.Step;
import java.net.http.HttpRequest;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The petclinic trap itself: without the starter's whole-request lock, {@code @SerializedBy} locks the
 * "add pet" handler only once Spring MVC has loaded the owner. A form that waits for that lock checks
 * the pets it loaded before the first form saved, so both add a pet of the same name.
 */
@TestPropertySource(
        properties =
                "spring.autoconfigure.exclude=io.github.serializedby.spring.autoconfigure.SerializedByWebMvcAutoConfiguration")
class HandlerLockOnlyRaceTests extends LockedDemoTest {

    @Test
    void withTheHandlersLockOnlyAFormThatWaitedAddsASecondPetOfTheName() {
        long owner = newOwner(jdbc);
        Gate saving = slowWork.arm(Step.NEW_PET, 1);
        CompletableFuture<Answer> first = http.sendLater(addPet(owner));
        saving.awaitArrived();
        CompletableFuture<Answer> second = http.sendLater(addPet(owner));
        awaitWaitingForLocks(1);

        saving.open();

        assertThat(first.join().status()).isEqualTo(201);
        assertThat(second.join().status()).isEqualTo(201);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM pet WHERE owner_id = ? AND name = 'Rex'")
                        .param(owner)
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    private HttpRequest addPet(long owner) {
        return http.post("/owners/" + owner + "/pets", "{\"name\":\"Rex\"}");
    }
}
