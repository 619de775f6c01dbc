package io.github.serializedby.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.spring.SerializedBy;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;

/** Which handlers' keys can be read from the request alone, before the model is loaded. */
class RequestKeySourcesTests {

    @Test
    void keysNamingPathVariablesAndParametersAreRequestData() throws Exception {
        assertThat(ModelAttributeTrap.requestValues(method("byName"), new String[] {"#ownerId + ':' + #name"}))
                .extracting(ModelAttributeTrap.RequestValue::source)
                .containsExactly(ModelAttributeTrap.Source.PATH, ModelAttributeTrap.Source.PARAMETER);
    }

    @Test
    void aKeyReadByPositionIsNotTakenForRequestData() throws Exception {
        assertThat(ModelAttributeTrap.requestValues(method("byName"), new String[] {"#p0"}))
                .isNull();
        assertThat(ModelAttributeTrap.requestValues(method("byName"), new String[] {"#root.args[0]"}))
                .isNull();
    }

    @Test
    void aKeyReadFromTheBodyIsNotRequestData() throws Exception {
        assertThat(ModelAttributeTrap.requestValues(method("fromBody"), new String[] {"#pet"}))
                .isNull();
    }

    @Test
    void aConstantKeyNeedsNoArgument() throws Exception {
        assertThat(ModelAttributeTrap.requestValues(method("byName"), new String[] {"'all-owners'"}))
                .isEmpty();
    }

    private static Method method(String name) {
        for (Method method : Handlers.class.getMethods()) {
            if (method.getName().equals(name)) {
                return method;
            }
        }
        throw new AssertionError(name);
    }

    static class Handlers {

        @SerializedBy("#ownerId")
        public String byName(@PathVariable long ownerId, @RequestParam String name) {
            return ownerId + name;
        }

        @SerializedBy("#pet")
        public String fromBody(@RequestBody String pet) {
            return pet;
        }
    }
}
