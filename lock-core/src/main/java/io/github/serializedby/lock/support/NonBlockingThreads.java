package io.github.serializedby.lock.support;

import java.lang.reflect.Method;
import org.jspecify.annotations.Nullable;

/**
 * Recognises threads that must never block: Reactor's non-blocking schedulers (threads marked {@code
 * reactor.core.scheduler.NonBlocking}, as {@code Schedulers.isInNonBlockingThread()} checks) and Netty's
 * event-loop threads (a {@code FastThreadLocalThread} that does not {@code permitBlockingCalls()}, such as
 * Lettuce's and Reactor Netty's I/O threads). Waiting there for a reply that the same thread must read
 * would never end, so blocking calls refuse such threads and asynchronous code moves off them.
 *
 * <p>Needs neither library: both are recognised by name, once per thread class.
 */
public final class NonBlockingThreads {

    private static final String REACTOR_MARKER = "reactor.core.scheduler.NonBlocking";
    private static final String NETTY_THREAD = "io.netty.util.concurrent.FastThreadLocalThread";

    /** Per thread class: how to tell whether one of its threads is non-blocking. */
    private static final ClassValue<Kind> KINDS = new ClassValue<>() {
        @Override
        protected Kind computeValue(Class<?> type) {
            if (implementsByName(type, REACTOR_MARKER)) {
                return Kind.NON_BLOCKING;
            }
            Method permits = nettyPermitBlockingCalls(type);
            return permits == null ? Kind.BLOCKING : new Kind(permits);
        }
    };

    private NonBlockingThreads() {}

    /** Whether the calling thread is one on which nothing may block. */
    public static boolean isCurrentThreadNonBlocking() {
        Thread thread = Thread.currentThread();
        return KINDS.get(thread.getClass()).isNonBlocking(thread);
    }

    /** Fails when the calling thread must not block, naming the thread and the blocking {@code operation}. */
    public static void requireBlockingAllowed(String operation) {
        if (isCurrentThreadNonBlocking()) {
            throw new IllegalStateException(
                    operation + " blocks, and thread " + Thread.currentThread().getName()
                            + " must never block (a Netty event loop or a Reactor non-blocking thread): the reply it"
                            + " waits for may be due on this very thread. Use the asynchronous API instead, or move the"
                            + " call to a thread that may block (for example Schedulers.boundedElastic()).");
        }
    }

    private static boolean implementsByName(Class<?> type, String interfaceName) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> implemented : c.getInterfaces()) {
                if (implemented.getName().equals(interfaceName) || implementsByName(implemented, interfaceName)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static @Nullable Method nettyPermitBlockingCalls(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(NETTY_THREAD)) {
                try {
                    return c.getMethod("permitBlockingCalls");
                } catch (NoSuchMethodException e) {
                    return null; // a Netty older than 4.2: its event loops go unrecognised
                }
            }
        }
        return null;
    }

    /** A thread class's answer: always, never, or asked of each Netty thread. */
    private static final class Kind {

        static final Kind BLOCKING = new Kind(false, null);
        static final Kind NON_BLOCKING = new Kind(true, null);

        private final boolean always;
        private final @Nullable Method permitBlockingCalls;

        Kind(Method permitBlockingCalls) {
            this(false, permitBlockingCalls);
        }

        private Kind(boolean always, @Nullable Method permitBlockingCalls) {
            this.always = always;
            this.permitBlockingCalls = permitBlockingCalls;
        }

        boolean isNonBlocking(Thread thread) {
            if (always || permitBlockingCalls == null) {
                return always;
            }
            try {
                return !Boolean.TRUE.equals(permitBlockingCalls.invoke(thread));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return false;
            }
        }
    }
}
