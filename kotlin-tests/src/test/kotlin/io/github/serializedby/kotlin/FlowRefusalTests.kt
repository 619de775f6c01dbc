package io.github.serializedby.kotlin

import io.github.serializedby.spring.SerializedBy
import io.github.serializedby.spring.SerializedByConfigurationException
import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flowOf
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.test.context.runner.ApplicationContextRunner
import org.springframework.stereotype.Component

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
}
