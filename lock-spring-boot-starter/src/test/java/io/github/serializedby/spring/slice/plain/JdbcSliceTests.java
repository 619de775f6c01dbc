package io.github.serializedby.spring.slice.plain;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.jdbc.table.JdbcLeaseTableLockProvider;
import io.github.serializedby.lock.test.Race;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.test.AutoConfigureSerializedBy;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * A data slice with {@link AutoConfigureSerializedBy} locks with the provider the application configures,
 * here the lease table in the slice's database.
 */
@JdbcTest(properties = {"serialized-by.provider=jdbc", "serialized-by.jdbc.create-table=true"})
@AutoConfigureSerializedBy
@ContextConfiguration(classes = JdbcSliceTests.TestBeans.class)
@Transactional(propagation = Propagation.NOT_SUPPORTED)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JdbcSliceTests {

    private static final int CALLERS = 4;

    @Autowired
    LockProvider provider;

    @Autowired
    Counter counter;

    @Autowired
    Race race;

    @Test
    void theApplicationsProviderLocksTheCalls() {
        Race.Result result = race.run(caller -> counter.increment("k"));

        assertThat(provider).isInstanceOf(JdbcLeaseTableLockProvider.class);
        assertThat(result.failures()).isEmpty();
        assertThat(result.maxInside()).isEqualTo(1);
        assertThat(result.completed()).isEqualTo(CALLERS);
    }

    @Configuration(proxyBeanMethods = false)
    static class TestBeans {

        @Bean
        Race race() {
            return Race.of(CALLERS);
        }

        @Bean
        Counter counter(Race race) {
            return new Counter(race);
        }
    }

    static class Counter {

        private final Race race;

        Counter(Race race) {
            this.race = race;
        }

        @SerializedBy(value = "#key", waitTimeout = "30s")
        public void increment(String key) throws Exception {
            race.inside(() -> key);
        }
    }
}
