package io.github.serializedby.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.lock.support.WaitLimits;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.SerializedByConfigurationException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.WebAsyncTask;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import reactor.core.publisher.Flux;
import reactor.core.publisher.GroupedFlux;
import reactor.core.publisher.Mono;

class LockedMethodsTests {

    private final LockedMethods methods = new LockedMethods(
            new LockSettings(LockPolicy.WAIT, Duration.ofSeconds(1), LockMode.EXCLUSIVE, WaitLimits.UNBOUNDED),
            Map.of(),
            UnaryOperator.identity(),
            null);

    private final Payments target = new Payments();

    @Test
    void everyCopyOfAMethodGivesTheMethodCompiledOnce() throws Exception {
        LockedMethod atStartUp = methods.get(conduct(), Payments.class);

        Method calledByProxy = conduct();
        LockedMethod first = methods.get(calledByProxy, target);
        LockedMethod again = methods.get(calledByProxy, target);

        assertThat(first).isSameAs(atStartUp).isSameAs(again);
        assertThat(first.name()).isEqualTo("payments");
        assertThat(methods.all()).hasSize(1);
        assertThat(methods.calledInstanceCount()).isEqualTo(1);
    }

    @Test
    void callsWithAFreshCopyEachTimeDoNotGrowTheLookupByIdentityBeyondItsBound() throws Exception {
        LockedMethod compiled = methods.get(conduct(), Payments.class);

        for (int i = 0; i < LockedMethods.MAX_CALLED_INSTANCES + 500; i++) {
            assertThat(methods.get(conduct(), target)).isSameAs(compiled);
        }

        assertThat(methods.calledInstanceCount()).isEqualTo(LockedMethods.MAX_CALLED_INSTANCES);
        assertThat(methods.all()).hasSize(1);
    }

    @Test
    void aMethodCalledThroughItsInterfaceIsCompiledFromEachImplementationsOwnAnnotation() throws Exception {
        Method calledByInterfaceProxy = Ledger.class.getMethod("post", String.class, String.class);

        LockedMethod byAccount = methods.get(calledByInterfaceProxy, new ByAccount());
        LockedMethod byEntry = methods.get(calledByInterfaceProxy, new ByEntry());

        assertThat(byAccount.name()).isEqualTo("by-account");
        assertThat(byAccount.keyExpressions()).containsExactly("#account");
        assertThat(byEntry.name()).isEqualTo("by-entry");
        assertThat(byEntry.keyExpressions()).containsExactly("#entry");
        assertThat(methods.get(calledByInterfaceProxy, new ByAccount())).isSameAs(byAccount);
        assertThat(methods.get(ByAccount.class.getMethod("post", String.class, String.class), ByAccount.class))
                .as("the same as the validator compiles at start-up")
                .isSameAs(byAccount);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "callable",
                "deferredResult",
                "webAsyncTask",
                "streamingBody",
                "emitter",
                "sseEmitter",
                "streamingEntity",
                "sseEntity",
                "fluxEntity"
            })
    void aSpringMvcAsyncResultThatRunsAfterTheMethodReturnsIsRefused(String name) throws Exception {
        Method method = AsyncHandlers.class.getMethod(name, String.class);

        assertThatThrownBy(() -> methods.get(method, AsyncHandlers.class))
                .isInstanceOf(SerializedByConfigurationException.class)
                .hasMessageContaining(name + "(String)")
                .hasMessageContaining("is consumed after the method returns");
    }

    /**
     * A {@code Mono} or future whose value is itself work still to run (a {@code Flux}, a {@code Mono}, a
     * {@code ResponseEntity} of one) ends, and releases its lock, before that work runs.
     */
    @ParameterizedTest
    @ValueSource(strings = {"monoOfFlux", "monoOfMono", "monoOfFluxEntity", "futureOfFlux"})
    void aMonoOrFutureOfWorkStillToRunIsRefused(String name) throws Exception {
        Method method = NestedResults.class.getMethod(name, String.class);

        assertThatThrownBy(() -> methods.get(method, NestedResults.class))
                .isInstanceOf(SerializedByConfigurationException.class)
                .hasMessageContaining(name + "(String)")
                .hasMessageContaining("is consumed after the method returns");
    }

    /** A {@code Flux} of groups or windows, and a {@code Mono} of a value or of a list, stay locked. */
    @ParameterizedTest
    @ValueSource(strings = {"fluxOfGroups", "monoOfList", "monoOfValueEntity"})
    void aMonoOfAValueAndAFluxOfGroupsAreLocked(String name) throws Exception {
        Method method = NestedResults.class.getMethod(name, String.class);

        assertThat(methods.get(method, NestedResults.class).name()).isEqualTo("NestedResults." + name);
    }

    @Test
    void aResponseEntityOfAValueIsLockedUntilTheMethodReturns() throws Exception {
        Method method = AsyncHandlers.class.getMethod("valueEntity", String.class);

        assertThat(methods.get(method, AsyncHandlers.class).name()).isEqualTo("AsyncHandlers.valueEntity");
    }

    /** A fresh copy of the method each time, as {@code Class.getMethod} gives. */
    private static Method conduct() throws NoSuchMethodException {
        return Payments.class.getMethod("conduct", String.class);
    }

    public interface Ledger {

        String post(String account, String entry);
    }

    public static class ByAccount implements Ledger {

        @Override
        @SerializedBy(value = "#account", name = "by-account")
        public String post(String account, String entry) {
            return account;
        }
    }

    public static class ByEntry implements Ledger {

        @Override
        @SerializedBy(value = "#entry", name = "by-entry")
        public String post(String account, String entry) {
            return entry;
        }
    }

    public static class Payments {

        @SerializedBy(value = "#paymentId", name = "payments")
        public String conduct(String paymentId) {
            return paymentId;
        }
    }

    /** Results whose value is, or is not, more work to run later. */
    public static class NestedResults {

        @SerializedBy("#id")
        public Mono<Flux<String>> monoOfFlux(String id) {
            return Mono.just(Flux.just(id));
        }

        @SerializedBy("#id")
        public Mono<Mono<String>> monoOfMono(String id) {
            return Mono.just(Mono.just(id));
        }

        @SerializedBy("#id")
        public Mono<ResponseEntity<Flux<String>>> monoOfFluxEntity(String id) {
            return Mono.just(ResponseEntity.ok(Flux.just(id)));
        }

        @SerializedBy("#id")
        public CompletableFuture<Flux<String>> futureOfFlux(String id) {
            return CompletableFuture.completedFuture(Flux.just(id));
        }

        @SerializedBy("#id")
        public Flux<GroupedFlux<Integer, String>> fluxOfGroups(String id) {
            return Flux.just(id).groupBy(String::length);
        }

        @SerializedBy("#id")
        public Mono<List<String>> monoOfList(String id) {
            return Mono.just(List.of(id));
        }

        @SerializedBy("#id")
        public Mono<ResponseEntity<String>> monoOfValueEntity(String id) {
            return Mono.just(ResponseEntity.ok(id));
        }
    }

    /** Spring MVC handlers whose work runs after they return, when their lock would be released. */
    public static class AsyncHandlers {

        @SerializedBy("#id")
        public Callable<String> callable(String id) {
            return () -> id;
        }

        @SerializedBy("#id")
        public DeferredResult<String> deferredResult(String id) {
            return new DeferredResult<>();
        }

        @SerializedBy("#id")
        public WebAsyncTask<String> webAsyncTask(String id) {
            return new WebAsyncTask<>(() -> id);
        }

        @SerializedBy("#id")
        public StreamingResponseBody streamingBody(String id) {
            return out -> out.write(id.getBytes());
        }

        @SerializedBy("#id")
        public ResponseBodyEmitter emitter(String id) {
            return new ResponseBodyEmitter();
        }

        @SerializedBy("#id")
        public SseEmitter sseEmitter(String id) {
            return new SseEmitter();
        }

        @SerializedBy("#id")
        public ResponseEntity<StreamingResponseBody> streamingEntity(String id) {
            return ResponseEntity.ok(out -> out.write(id.getBytes()));
        }

        @SerializedBy("#id")
        public ResponseEntity<SseEmitter> sseEntity(String id) {
            return ResponseEntity.ok(new SseEmitter());
        }

        @SerializedBy("#id")
        public ResponseEntity<Flux<String>> fluxEntity(String id) {
            return ResponseEntity.ok(Flux.just(id));
        }

        @SerializedBy("#id")
        public ResponseEntity<String> valueEntity(String id) {
            return ResponseEntity.ok(id);
        }
    }
}
