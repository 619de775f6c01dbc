package io.github.serializedby.kotlin

import io.github.serializedby.lock.HeldLocks
import io.github.serializedby.lock.Lease
import io.github.serializedby.spring.HeldLocksContext
import io.github.serializedby.spring.SerializedBy
import kotlin.coroutines.coroutineContext
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.reactor.ReactorContext
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.springframework.beans.factory.annotation.Autowired
import org.springframework.boot.SpringBootConfiguration
import org.springframework.boot.autoconfigure.EnableAutoConfiguration
import org.springframework.boot.test.context.SpringBootTest
import org.springframework.context.annotation.Import
import org.springframework.stereotype.Component

/** A `suspend` function reads its lease from a parameter or from the coroutine's Reactor context. */
@SpringBootTest(classes = [SuspendLeaseTests.Application::class])
class SuspendLeaseTests @Autowired constructor(private val tickets: Tickets) {

    @Test
    fun `the lease parameter and the Reactor context agree across suspensions`(): Unit = runBlocking {
        val (parameter, held) = tickets.read("ticket-9", null)

        assertThat(parameter).isNotNull
        assertThat(held.lease("ticket-9")).isSameAs(parameter)
    }

    @Component
    class Tickets {
        @SerializedBy("#id", name = "tickets-lease")
        suspend fun read(id: String, lease: Lease?): Pair<Lease?, HeldLocks> {
            delay(1)
            return withContext(Dispatchers.Default) {
                lease to HeldLocksContext.from(coroutineContext[ReactorContext]!!.context)
            }
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Tickets::class)
    class Application
}
