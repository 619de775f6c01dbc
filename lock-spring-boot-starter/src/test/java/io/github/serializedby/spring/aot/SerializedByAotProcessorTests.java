package io.github.serializedby.spring.aot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.aop.SerializedByAotProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.aot.BeanFactoryInitializationCode;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.javapoet.ClassName;

/**
 * The hints a native image needs for the context's {@code @SerializedBy} methods: the methods themselves
 * and the properties of their parameters that key expressions read.
 */
class SerializedByAotProcessorTests {

    @Test
    void theProcessorIsFoundByAotProcessing() {
        assertThat(AotServices.factories().load(BeanFactoryInitializationAotProcessor.class))
                .anyMatch(SerializedByAotProcessor.class::isInstance);
    }

    @Test
    void lockedMethodsAndThePropertiesTheirKeysReadAreHinted() throws Exception {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerBeanDefinition("shipping", new RootBeanDefinition(Shipping.class));

        RuntimeHints hints = hintsOf(beans);

        assertThat(RuntimeHintsPredicates.reflection()
                        .onMethodInvocation(Shipping.class.getMethod("ship", Order.class)))
                .accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Order.class.getMethod("id")))
                .accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection()
                        .onMethodInvocation(Shipping.class.getMethod("unlocked", Order.class)))
                .rejects(hints);
    }

    @Test
    void aContextWithoutLockedMethodsContributesNothing() {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerBeanDefinition("order", new RootBeanDefinition(Order.class));

        assertThat(new SerializedByAotProcessor().processAheadOfTime(beans)).isNull();
    }

    private static RuntimeHints hintsOf(DefaultListableBeanFactory beans) {
        BeanFactoryInitializationAotContribution contribution =
                new SerializedByAotProcessor().processAheadOfTime(beans);
        assertThat(contribution).isNotNull();
        DefaultGenerationContext generation = new DefaultGenerationContext(
                new ClassNameGenerator(ClassName.get("com.example", "Application")), new InMemoryGeneratedFiles());
        contribution.applyTo(generation, mock(BeanFactoryInitializationCode.class));
        return generation.getRuntimeHints();
    }

    public record Order(String id) {}

    public static class Shipping {

        @SerializedBy("#order.id")
        public String ship(Order order) {
            return order.id();
        }

        public String unlocked(Order order) {
            return order.id();
        }
    }
}
