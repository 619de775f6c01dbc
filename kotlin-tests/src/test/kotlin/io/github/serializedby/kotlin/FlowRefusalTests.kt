package io.github.serializedby.kotlin

import io.github.serializedby.spring.SerializedBy
import io.github.serializedby.spring.SerializedByConfigurationException
import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration
import kotlinx.coroutines.flow.Flow
import java.util.stream.Stream
import kotlinx.coroutines.flow.flowOf
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.test.context.runner.ApplicationContextRunner
import org.springframework.http.ResponseEntity
import org.springframework.stereotype.Component
import reactor.core.publisher.Flux

/**
 * A `Flow` is collected after the method returns, when no lock could still be held: such methods are
 * refused at start-up, naming the method and what to return instead.
 */
class FlowRefusalTests {

    private val runner = ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SerializedByAutoConfiguration::class.java))

    @Test
    fun `a function returning a Flow is refused at start-up`() {
        runner.withBean(FlowEvents::class.java).run { context ->
            assertThat(context).hasFailed()
            assertThat(context.startupFailure).isInstanceOf(SerializedByConfigurationException::class.java)
                .hasMessageContaining("FlowEvents.events")
                .hasMessageContaining("Flow")
                .hasMessageContaining("suspend function returning a value")
        }
    }

    @Test
    fun `a suspend function returning a Flow is refused at start-up`() {
        runner.withBean(SuspendingFlowEvents::class.java).run { context ->
            assertThat(context).hasFailed()
            assertThat(context.startupFailure).isInstanceOf(SerializedByConfigurationException::class.java)
                .hasMessageContaining("SuspendingFlowEvents.events")
                .hasMessageContaining("Flow")
        }
    }

    /**
     * The lock is held for the coroutine only; a `Flux`, a `Stream` or a `ResponseEntity` of a `Flux` it
     * returns does its work after the coroutine ended, as a `Flow` does.
     */
    @ParameterizedTest
    @ValueSource(classes = [SuspendingFluxEvents::class, SuspendingStreamEvents::class, SuspendingFluxEntity::class])
    fun `a suspend function returning what is consumed later is refused at start-up`(bean: Class<*>) {
        runner.withBean(bean).run { context ->
            assertThat(context).hasFailed()
            assertThat(context.startupFailure).isInstanceOf(SerializedByConfigurationException::class.java)
                .hasMessageContaining(bean.simpleName + ".events")
                .hasMessageContaining("is consumed after the method returns")
        }
    }

    @Test
    fun `a suspend function returning a ResponseEntity of a value is locked`() {
        runner.withBean(SuspendingValueEntity::class.java).run { context -> assertThat(context).hasNotFailed() }
    }

    @Component
    class FlowEvents {
        @SerializedBy("#id")
        fun events(id: String): Flow<Int> = flowOf(1)
    }

    @Component
    class SuspendingFlowEvents {
        @SerializedBy("#id")
        suspend fun events(id: String): Flow<Int> = flowOf(1)
    }

    @Component
    class SuspendingFluxEvents {
        @SerializedBy("#id")
        suspend fun events(id: String): Flux<Int> = Flux.just(1)
    }

    @Component
    class SuspendingStreamEvents {
        @SerializedBy("#id")
        suspend fun events(id: String): Stream<Int> = Stream.of(1)
    }

    @Component
    class SuspendingFluxEntity {
        @SerializedBy("#id")
        suspend fun events(id: String): ResponseEntity<Flux<Int>> = ResponseEntity.ok(Flux.just(1))
    }

    @Component
    class SuspendingValueEntity {
        @SerializedBy("#id")
        suspend fun events(id: String): ResponseEntity<Int> = ResponseEntity.ok(1)
    }
}
