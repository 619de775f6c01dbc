package io.github.serializedby.spring.actuate;

import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.spring.SerializedBy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;

@SpringBootConfiguration
@EnableAutoConfiguration
@Import(LocksTestApplication.PaymentsController.class)
class LocksTestApplication {

    @Bean
    Gates gates() {
        return new Gates();
    }

    static class Gates {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
    }

    @RestController
    static class PaymentsController {
        private final Gates gates;

        PaymentsController(Gates gates) {
            this.gates = gates;
        }

        @PutMapping("/payments/{id}")
        @SerializedBy(value = "#id", name = "payments", policy = LockPolicy.FAIL_FAST)
        public String conduct(@PathVariable String id) throws InterruptedException {
            gates.inside.countDown();
            gates.release.await(20, TimeUnit.SECONDS);
            return "paid " + id;
        }
    }
}
