package io.github.serializedby.lock.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ForwardingLockProviderTest {

    @Test
    void everyMethodOfTheProviderInterfaceIsForwardedDefaultMethodsIncluded() {
        List<String> notForwarded = new ArrayList<>();
        for (Method method : LockProvider.class.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            try {
                Method forwarding =
                        ForwardingLockProvider.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
                if (Modifier.isAbstract(forwarding.getModifiers())) {
                    notForwarded.add(method.toGenericString());
                }
            } catch (NoSuchMethodException e) {
                notForwarded.add(method.toGenericString());
            }
        }
        assertThat(notForwarded)
                .as("LockProvider methods ForwardingLockProvider does not override")
                .isEmpty();
    }

    @Test
    void aDecoratorThatOverridesNothingReachesEachOfTheWrappedProvidersOwnMethods() throws Exception {
        Recording recording = new Recording();
        LockProvider decorated = new ForwardingLockProvider(recording) {};
        LockRequest request = LockRequest.exclusive("orders", "o-1");

        decorated.tryAcquire(request).orElseThrow().release();
        decorated.acquireBlocking(request, Duration.ofSeconds(1)).orElseThrow().release();
        decorated
                .acquire(request, Duration.ofSeconds(1))
                .get(10, TimeUnit.SECONDS)
                .orElseThrow()
                .release();

        assertThat(recording.calls).containsExactly("tryAcquire", "acquireBlocking", "acquire");
        assertThat(decorated).hasToString(recording.toString());
    }

    /** A provider whose every method, the default one included, is its own and says so. */
    private static final class Recording implements LockProvider {

        private final InMemoryLockProvider memory = new InMemoryLockProvider();
        final List<String> calls = new ArrayList<>();

        @Override
        public Optional<Lease> tryAcquire(LockRequest request) {
            calls.add("tryAcquire");
            return memory.tryAcquire(request);
        }

        @Override
        public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
            calls.add("acquire");
            return memory.acquire(request, maxWait);
        }

        @Override
        public Optional<Lease> acquireBlocking(LockRequest request, Duration maxWait) throws InterruptedException {
            calls.add("acquireBlocking");
            return memory.acquireBlocking(request, maxWait);
        }

        @Override
        public String toString() {
            return "Recording";
        }
    }
}
