package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockSpec;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.convert.ConversionService;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerAdapter;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.HandlerResult;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * Locks a {@code @SerializedBy} WebFlux handler for the whole request when its controller loads model
 * attributes ({@code @ModelAttribute} methods run before the handler, so before its own lock) and its keys
 * can be read from the request alone: path variables, query parameters, headers. As a handler adapter
 * ahead of Spring's, it takes the lock after the handler is mapped and before the model is built, so a
 * refusal is answered by the application's exception handling like any handler's; its {@linkplain
 * #holdingFilter() filter} releases the lock once the response is written. The handler's own lock
 * re-enters it through the Reactor context. Only handlers returning a {@code Mono} or {@code Flux} (or
 * Kotlin {@code suspend} functions): a handler returning a plain value is called outside the request's
 * Reactor context, where its own lock could not tell the request's hold from another caller's, so it
 * keeps its own lock (and start-up's warning).
 */
public final class WebFluxRequestLockAdapter implements HandlerAdapter, Ordered {

    /** The bean name under which the starter registers it. */
    public static final String BEAN_NAME = "serializedByWebFluxRequestLocks";

    private final RequestLockPlans plans;
    private final Supplier<LockExecutor> executor;
    private final Supplier<HandlerAdapter> handlerMethods;
    private final Supplier<Boolean> locksAnyHandler;

    /**
     * @param methods the compiled {@code @SerializedBy} methods
     * @param executor supplies the executor the handlers' locks use
     * @param conversions converts request text to the parameters' types, as WebFlux's binding does
     * @param handlerMethods the adapter that calls controller methods (Spring's {@code
     *     RequestMappingHandlerAdapter}), which this one calls holding the lock
     * @param mapped the application's mapped handler methods, read once on the first request: when none
     *     is locked for the request, requests pass the filter untouched
     */
    public WebFluxRequestLockAdapter(
            LockedMethods methods,
            Supplier<LockExecutor> executor,
            Supplier<ConversionService> conversions,
            Supplier<HandlerAdapter> handlerMethods,
            Supplier<Collection<HandlerMethod>> mapped) {
        this.plans = new RequestLockPlans(methods, conversions, Set.of(ReturnKind.MONO, ReturnKind.FLUX));
        this.executor = executor;
        this.handlerMethods = handlerMethods;
        this.locksAnyHandler = SingletonSupplier.of(() -> mapped.get().stream().anyMatch(plans::locksForRequest));
    }

    @Override
    public boolean supports(Object handler) {
        return handler instanceof HandlerMethod method && plans.locksForRequest(method);
    }

    @Override
    public Mono<HandlerResult> handle(ServerWebExchange exchange, Object handler) {
        HandlerMethod method = (HandlerMethod) handler;
        return Mono.deferContextual(context -> {
            RequestHold hold = context.getOrDefault(RequestHold.class, null);
            LockSpec spec = hold == null ? null : plans.spec(method, value -> text(value, exchange));
            if (hold == null || spec == null) {
                return handlerMethods.get().handle(exchange, handler);
            }
            // No re-entry: the request's hold is the outermost of its chain, and what the thread holds is
            // another chain's.
            return ReactorLocking.acquireThen(() -> executor.get().acquireAsync(spec), handle -> {
                hold.keep(handle);
                return handlerMethods.get().handle(exchange, handler);
            });
        });
    }

    /** Ahead of Spring's adapter, which supports every handler method. */
    @Override
    public int getOrder() {
        return 0;
    }

    /**
     * The filter that gives each request a place for the lock this adapter takes, and releases it once
     * the rest of the chain, writing the response included, is done; it does nothing in an application
     * none of whose handlers is locked for the request.
     */
    public WebFilter holdingFilter() {
        return (exchange, chain) -> !locksAnyHandler.get()
                ? chain.filter(exchange)
                : Mono.usingWhen(
                        Mono.fromSupplier(RequestHold::new),
                        hold -> chain.filter(exchange).contextWrite(context -> context.put(RequestHold.class, hold)),
                        RequestHold::release,
                        (hold, error) -> hold.release(),
                        RequestHold::release);
    }

    private static @Nullable String text(ModelAttributeTrap.RequestValue value, ServerWebExchange exchange) {
        return switch (value.source()) {
            case PATH ->
                exchange.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> vars
                                && vars.get(value.name()) instanceof String text
                        ? text
                        : null;
            case PARAMETER -> exchange.getRequest().getQueryParams().getFirst(value.name());
            case HEADER -> exchange.getRequest().getHeaders().getFirst(value.name());
        };
    }
}
