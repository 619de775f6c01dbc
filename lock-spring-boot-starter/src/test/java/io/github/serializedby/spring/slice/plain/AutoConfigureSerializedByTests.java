package io.github.serializedby.spring.slice.plain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.github.serializedby.lock.test.Race;
import io.github.serializedby.spring.NullLockKeyException;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.test.AutoConfigureSerializedBy;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A test without auto-configuration gets the starter from {@link AutoConfigureSerializedBy}: the method is
 * locked and a null key refused, as in the application; observations and the endpoint stay out.
 */
@SpringBootTest(classes = AutoConfigureSerializedByTests.TestBeans.class)
@AutoConfigureSerializedBy
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AutoConfigureSerializedByTests {

    private static final int CALLERS = 8;

    @Autowired
    Orders orders;

    @Autowired
    Race race;

    @Autowired
    ApplicationContext context;

    @Test
    void concurrentCallsForOneKeyNeverOverlap() {
        Race.Result result = race.run(caller -> orders.pay("o-1"));

        assertThat(result.failures()).isEmpty();
        assertThat(result.completed()).isEqualTo(CALLERS);
        assertThat(result.maxInside()).isEqualTo(1);
    }

    @Test
    void aNullKeyIsRefused() {
        assertThatThrownBy(() -> orders.pay(null)).isInstanceOf(NullLockKeyException.class);
    }

    @Test
    void theLockIsInMemoryAndNeitherObservedNorExposed() {
        assertThat(context.getBean(LockProvider.class)).isInstanceOf(InMemoryLockProvider.class);
        assertThat(context.getBeanNamesForType(
                        io.github.serializedby.spring.autoconfigure.SerializedByObservationAutoConfiguration.class))
                .isEmpty();
        assertThat(context.getBeanNamesForType(
                        io.github.serializedby.spring.autoconfigure.SerializedByEndpointAutoConfiguration.class))
                .isEmpty();
    }

    @Configuration(proxyBeanMethods = false)
    static class TestBeans {

        @Bean
        Race race() {
            return Race.of(CALLERS);
        }

        @Bean
        Orders orders(Race race) {
            return new Orders(race);
        }
    }

    static class Orders {

        private final Race race;

        Orders(Race race) {
            this.race = race;
        }

        @SerializedBy(value = "#id", waitTimeout = "30s")
        public String pay(@Nullable String id) throws Exception {
            return race.inside(() -> "paid " + id);
        }
    }
}
