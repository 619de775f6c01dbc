package io.github.serializedby.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * A locked MVC handler whose model attributes are loaded before the lock (the check-then-save of a form
 * handler reading a stale owner) is named at start-up with the fix; a handler without them is not.
 */
@ExtendWith(OutputCaptureExtension.class)
class ModelAttributeTrapTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SerializedByAutoConfiguration.class));

    @Test
    void aControllerWithModelAttributeMethodsIsWarnedAbout(CapturedOutput output) {
        runner.withBean(PetController.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output)
                    .contains("@SerializedBy on PetController.addPet")
                    .contains("@ModelAttribute methods [findOwner()]")
                    .contains("Read that state again inside the locked method");
        });
    }

    @Test
    void aKeyReadFromAModelAttributeIsWarnedAbout(CapturedOutput output) {
        runner.withBean(KeyFromModelController.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output)
                    .contains("@SerializedBy on KeyFromModelController.addPet")
                    .contains("the model attributes its key reads [owner]");
        });
    }

    @Test
    void aControllerLockedOnRequestDataAloneIsNotWarnedAbout(CapturedOutput output) {
        runner.withBean(PlainController.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output).doesNotContain("@SerializedBy on PlainController");
        });
    }

    record Owner(long id) {}

    @Controller
    static class PetController {

        @ModelAttribute("owner")
        public Owner findOwner(@PathVariable long ownerId) {
            return new Owner(ownerId);
        }

        @PostMapping("/owners/{ownerId}/pets")
        @SerializedBy("#ownerId")
        public String addPet(@PathVariable long ownerId, Owner owner) {
            return "redirect:/owners/" + owner.id();
        }
    }

    @Controller
    static class KeyFromModelController {

        @PostMapping("/owners/{ownerId}/pets")
        @SerializedBy("#owner.id")
        public String addPet(@ModelAttribute("owner") Owner owner) {
            return "redirect:/owners/" + owner.id();
        }
    }

    @Controller
    static class PlainController {

        @PostMapping("/owners/{ownerId}/pets")
        @SerializedBy("#ownerId")
        public String addPet(@PathVariable long ownerId) {
            return "redirect:/owners/" + ownerId;
        }
    }
}
