package io.github.serializedby.demo.owner;

import static io.github.serializedby.demo.problem.InvalidRequestException.requireText;

import io.github.serializedby.demo.SlowWork;
import io.github.serializedby.demo.SlowWork.Step;
import io.github.serializedby.demo.problem.FormErrorException;
import io.github.serializedby.demo.problem.NotFoundException;
import io.github.serializedby.spring.SerializedBy;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /owners/{id}} and their pets, written as spring-petclinic writes its pet controller: the owner
 * is loaded by a {@code @ModelAttribute} method before each handler. {@code POST /owners/{id}/pets}
 * answers 201 with the new pet, or 422 naming the field {@code name} when the owner already has a pet
 * of that name.
 */
@RestController
public class OwnerController {

    private final OwnerRepository owners;
    private final SlowWork slowWork;

    public OwnerController(OwnerRepository owners, SlowWork slowWork) {
        this.owners = owners;
        this.slowWork = slowWork;
    }

    /** Body of {@code POST /owners/{id}/pets}. */
    public record PetForm(@Nullable String name) {}

    /** The owner of the path, with its pets; Spring MVC calls it before every handler of this controller. */
    @ModelAttribute("owner")
    public Owner findOwner(@PathVariable long ownerId) {
        return owners.find(ownerId).orElseThrow(() -> new NotFoundException("owner", ownerId));
    }

    @GetMapping("/owners/{ownerId}")
    public Owner owner(@ModelAttribute("owner") Owner owner) {
        return owner;
    }

    /**
     * Adds a pet unless the owner has one of that name, checked against the owner {@link #findOwner}
     * loaded. The key is a path variable, so the starter takes the lock before the owner is loaded and
     * the check sees the pet a request before added.
     */
    @PostMapping("/owners/{ownerId}/pets")
    @SerializedBy(value = "#ownerId", name = "owner", instance = "owners")
    public ResponseEntity<Pet> addPet(
            @PathVariable long ownerId, @ModelAttribute("owner") Owner owner, @RequestBody PetForm form) {
        String name = requireText("name", form.name());
        if (owner.hasPet(name)) {
            throw new FormErrorException("name", owner.name() + " already has a pet named " + name);
        }
        slowWork.perform(Step.NEW_PET);
        Pet pet = owners.addPet(ownerId, name);
        return ResponseEntity.created(URI.create("/owners/" + ownerId + "/pets/" + pet.id()))
                .body(pet);
    }
}
