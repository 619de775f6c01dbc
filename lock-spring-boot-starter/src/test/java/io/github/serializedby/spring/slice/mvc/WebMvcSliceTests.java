package io.github.serializedby.spring.slice.mvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.serializedby.lock.test.Race;
import io.github.serializedby.spring.SerializedBy;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A {@code @WebMvcTest} includes the starter, as the application does: concurrent requests through
 * MockMvc for one key are serialized, with the model of a controller that has model attributes, and a
 * null key is answered with the 400 problem.
 */
@WebMvcTest(controllers = {WebMvcSliceTests.OrdersController.class, WebMvcSliceTests.PetsController.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebMvcSliceTests {

    private static final int CALLERS = 8;

    @Autowired
    MockMvc mvc;

    @Autowired
    Race race;

    @Test
    void concurrentRequestsForOneKeyNeverOverlap() {
        Race.Result result = race.run(caller -> mvc.perform(post("/orders/pay").param("id", "o-1"))
                .andExpect(status().isOk())
                .andExpect(content().string("paid o-1")));

        assertThat(result.failures()).isEmpty();
        assertThat(result.completed()).isEqualTo(CALLERS);
        assertThat(result.entered()).isEqualTo(CALLERS);
        assertThat(result.maxInside()).isEqualTo(1);
    }

    @Test
    void theModelOfAControllerWithModelAttributesIsLoadedUnderTheRequestsLock() {
        Race.Result result = race.run(caller -> mvc.perform(post("/owners/7/pets"))
                .andExpect(status().isOk())
                .andExpect(content().string("added to owner 7")));

        assertThat(result.failures()).isEmpty();
        assertThat(result.entered()).isEqualTo(CALLERS);
        assertThat(result.maxInside()).isEqualTo(1);
    }

    @Test
    void aNullKeyIsAnswered400AsInProduction() throws Exception {
        mvc.perform(post("/orders/pay"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value("urn:serialized-by:problem:missing-lock-key"));
    }

    @SpringBootConfiguration
    @Import({OrdersController.class, PetsController.class})
    static class SliceApplication {

        @Bean
        Race race() {
            return Race.of(CALLERS);
        }
    }

    @RestController
    static class OrdersController {

        private final Race race;

        OrdersController(Race race) {
            this.race = race;
        }

        @PostMapping("/orders/pay")
        @SerializedBy(value = "#id", name = "orders", waitTimeout = "30s")
        public String pay(@RequestParam(required = false) @Nullable String id) throws Exception {
            return race.inside(() -> "paid " + id);
        }
    }

    @RestController
    static class PetsController {

        private final Race race;

        PetsController(Race race) {
            this.race = race;
        }

        @ModelAttribute("owner")
        String owner(@PathVariable long ownerId) throws Exception {
            return race.inside(() -> "owner " + ownerId);
        }

        @PostMapping("/owners/{ownerId}/pets")
        @SerializedBy(value = "#ownerId", name = "owners", waitTimeout = "30s")
        public String add(@PathVariable long ownerId, @ModelAttribute("owner") String owner) {
            return "added to " + owner;
        }
    }
}
