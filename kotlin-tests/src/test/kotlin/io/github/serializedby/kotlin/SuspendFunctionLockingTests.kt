package io.github.serializedby.kotlin

import io.github.serializedby.lock.LockNotAcquiredException
import io.github.serializedby.lock.LockPolicy
import io.github.serializedby.lock.LockProvider
import io.github.serializedby.lock.memory.InMemoryLockProvider
import io.github.serializedby.spring.SerializedBy
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.async
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.springframework.beans.factory.annotation.Autowired
import org.springframework.boot.SpringBootConfiguration
import org.springframework.boot.autoconfigure.EnableAutoConfiguration
import org.springframework.boot.test.context.SpringBootTest
import org.springframework.context.annotation.Import
import org.springframework.stereotype.Component

/**
 * Kotlin `suspend` functions under `@SerializedBy`: the key stays locked for the whole coroutine, across
 * its suspensions, and is released when it returns, throws or is cancelled. The bounds on waiting are
 * raised so that 1,000 coroutines may all wait at once.
 */
@SpringBootTest(
    classes = [SuspendFunctionLockingTests.Application::class],
    properties = ["serialized-by.max-waiters=1000", "serialized-by.max-lock-waiters=1000", "serialized-by.max-waiting=1000"],
)
class SuspendFunctionLockingTests @Autowired constructor(
    private val claims: Claims,
    private val outer: Outer,
    private val provider: LockProvider,
) {

    @BeforeEach
    fun reset() {
        claims.reset()
    }

    @Test
    fun `waiting callers of one key run one at a time, each for its whole coroutine`() = runBlocking {
        val results = (1..20).map { async(Dispatchers.Default) { claims.claim("ticket-1", pauseMillis = 20) } }.awaitAll()

        assertThat(claims.mostInsideAtOnce.get()).isEqualTo(1)
        assertThat(results).containsExactlyInAnyOrderElementsOf(1..20)
        assertNothingHeld()
    }

    @Test
    fun `a second caller during the first one's suspension is refused under FAIL_FAST`() = runBlocking {
        val entered = CompletableDeferred<Unit>()
        val gate = CompletableDeferred<Unit>()
        val first = async(Dispatchers.Default) { claims.holdOnce("ticket-2", entered, gate) }
        entered.await()

        val refused = runCatching { claims.holdOnce("ticket-2", CompletableDeferred(), opened()) }

        assertThat(refused.exceptionOrNull()).isInstanceOf(LockNotAcquiredException::class.java)
        gate.complete(Unit)
        first.await()
        claims.holdOnce("ticket-2", CompletableDeferred(), opened())
        assertNothingHeld()
    }

    @Test
    fun `a coroutine cancelled while it holds the key releases it`() = runBlocking {
        val entered = CompletableDeferred<Unit>()
        val holder = launch(Dispatchers.Default) { claims.holdOnce("ticket-3", entered, CompletableDeferred()) }
        entered.await()

        holder.cancelAndJoin()

        assertNothingHeld()
        claims.holdOnce("ticket-3", CompletableDeferred(), opened())
    }

    @Test
    fun `a caller whose withTimeout ends while it waits never runs and leaves nothing held`() = runBlocking {
        val entered = CompletableDeferred<Unit>()
        val gate = CompletableDeferred<Unit>()
        val holder = async(Dispatchers.Default) { claims.holdOnce("ticket-6", entered, gate) }
        entered.await()

        val waiter = runCatching { withTimeout(300) { claims.claim("ticket-6", pauseMillis = 0) } }
        gate.complete(Unit)
        holder.await()

        assertThat(waiter.exceptionOrNull()).isInstanceOf(TimeoutCancellationException::class.java)
        assertThat(claims.claimed.get()).isZero()
        assertNothingHeld()
    }

    @Test
    fun `a coroutine that throws after suspending releases the key`() = runBlocking {
        val failure = runCatching { claims.failAfterSuspending("ticket-4") }

        assertThat(failure.exceptionOrNull()).isInstanceOf(IllegalStateException::class.java).hasMessage("refused")
        assertNothingHeld()
        claims.holdOnce("ticket-4", CompletableDeferred(), opened())
    }

    @Test
    fun `a nested call for the same key after a suspension re-enters instead of waiting for itself`() = runBlocking {
        assertThat(outer.callInner("ticket-5")).isEqualTo("inner ticket-5, then outer")
        assertNothingHeld()
    }

    @Test
    fun `many coroutines on two threads never share a key and lose no update`() {
        val threads = Executors.newFixedThreadPool(2)
        try {
            runBlocking(threads.asCoroutineDispatcher()) {
                (1..1_000).map { i -> async { claims.claim("event-${i % 10}", pauseMillis = 1) } }.awaitAll()
            }
        } finally {
            threads.shutdown()
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue()
        }

        assertThat(claims.mostInsideAtOnce.get()).isEqualTo(1)
        assertThat(claims.claimed.get()).isEqualTo(1_000)
        assertNothingHeld()
    }

    /** Keys are freed on the thread that ends the coroutine, which may be a moment after the caller resumes. */
    private fun assertNothingHeld() {
        val memory = provider as InMemoryLockProvider
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10)
        while (memory.activeKeyCount() > 0 && System.nanoTime() < deadline) {
            Thread.yield()
        }
        assertThat(memory.activeKeyCount()).isZero()
    }

    private fun opened() = CompletableDeferred(Unit)

    @Component
    class Claims {
        private val inside = ConcurrentHashMap<String, AtomicInteger>()
        val mostInsideAtOnce = AtomicInteger()
        val claimed = AtomicInteger()

        fun reset() {
            inside.clear()
            mostInsideAtOnce.set(0)
            claimed.set(0)
        }

        @SerializedBy("#key", name = "tickets", waitTimeout = "60s")
        suspend fun claim(key: String, pauseMillis: Long): Int {
            val now = inside.computeIfAbsent(key) { AtomicInteger() }.incrementAndGet()
            mostInsideAtOnce.accumulateAndGet(now, ::maxOf)
            try {
                delay(pauseMillis)
                return claimed.incrementAndGet()
            } finally {
                inside.getValue(key).decrementAndGet()
            }
        }

        @SerializedBy("#key", name = "tickets", policy = [LockPolicy.FAIL_FAST])
        suspend fun holdOnce(key: String, entered: CompletableDeferred<Unit>, gate: CompletableDeferred<Unit>) {
            entered.complete(Unit)
            gate.await()
        }

        @SerializedBy("#key", name = "tickets")
        suspend fun failAfterSuspending(key: String) {
            delay(1)
            throw IllegalStateException("refused")
        }
    }

    @Component
    class Outer(private val inner: Inner) {
        @SerializedBy("#key", name = "tickets")
        suspend fun callInner(key: String): String {
            delay(1)
            return inner.call(key) + ", then outer"
        }
    }

    @Component
    class Inner {
        @SerializedBy("#key", name = "tickets", policy = [LockPolicy.FAIL_FAST])
        suspend fun call(key: String): String {
            delay(1)
            return "inner $key"
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Claims::class, Outer::class, Inner::class)
    class Application
}
