package io.github.serializedby.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.demo.DemoClient.Answer;
import io.github.serializedby.demo.GatedSlowWork.Gate;
import io.github.serializedby.demo.SlowWork.Step;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The petclinic trap: the owner and its pets are loaded by a {@code @ModelAttribute} method before the
 * locked handler runs. Many "add pet" forms with one name at once still give exactly one pet, since the
 * lock is taken for the whole request, before the owner is loaded.
 */
class PetRaceTests extends LockedDemoTest {

    @Test
    void twentyFormsWithOneNameAtOnceAddExactlyOnePet() {
        long owner = newOwner(jdbc);

        List<Answer> answers = http.together(20, addPet(owner, "Rex"));

        assertThat(answers).filteredOn(a -> a.status() == 201).hasSize(1);
        assertThat(answers).filteredOn(a -> a.status() == 422).hasSize(19).allSatisfy(a -> {
            assertThat(a.contentType()).startsWith("application/problem+json");
            assertThat(a.json().get("type").asString()).isEqualTo("urn:serialized-by:demo:problem:form-error");
            assertThat(a.json().get("field").asString()).isEqualTo("name");
        });
        assertThat(pets(owner, "Rex")).isEqualTo(1);
    }

    @Test
    void aFormThatWaitedForTheLockSeesThePetTheFirstOneAdded() {
        long owner = newOwner(jdbc);
        Gate saving = slowWork.arm(Step.NEW_PET, 1);
        CompletableFuture<Answer> first = http.sendLater(addPet(owner, "Rex"));
        saving.awaitArrived();
        CompletableFuture<Answer> second = http.sendLater(addPet(owner, "Rex"));
        awaitWaitingForLocks(1);

        saving.open();

        assertThat(first.join().status()).isEqualTo(201);
        assertThat(second.join().status()).isEqualTo(422);
        assertThat(pets(owner, "Rex")).isEqualTo(1);
    }

    @Test
    void differentNamesAndDifferentOwnersAreAllAdded() {
        long first = newOwner(jdbc);
        long second = newOwner(jdbc);
        List<HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            requests.add(addPet(first, "Pet " + i));
            requests.add(addPet(second, "Pet " + i));
        }

        List<Answer> answers = http.together(requests);

        assertThat(answers).extracting(Answer::status).containsOnly(201);
        assertThat(http.send(http.get("/owners/" + first)).json().get("pets")).hasSize(5);
        assertThat(http.send(http.get("/owners/" + second)).json().get("pets")).hasSize(5);
    }

    private HttpRequest addPet(long owner, String name) {
        return http.post("/owners/" + owner + "/pets", "{\"name\":\"" + name + "\"}");
    }

    private long pets(long owner, String name) {
        return jdbc.sql("SELECT COUNT(*) FROM pet WHERE owner_id = ? AND name = ?")
                .params(owner, name)
                .query(Long.class)
                .single();
    }
}
