package io.github.serializedby.demo.owner;

import java.util.List;

/** A pet owner with the pets they had when read. */
public record Owner(long id, String name, List<Pet> pets) {

    public Owner {
        pets = List.copyOf(pets);
    }

    /** Whether one of the pets has {@code petName}, ignoring case, as petclinic compares them. */
    public boolean hasPet(String petName) {
        return pets.stream().anyMatch(pet -> pet.name().equalsIgnoreCase(petName));
    }
}
