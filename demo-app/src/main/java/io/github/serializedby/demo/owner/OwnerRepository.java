package io.github.serializedby.demo.owner;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** Plain reads of owners with their pets, and inserts of pets. */
@Repository
public class OwnerRepository {

    private final JdbcClient jdbc;

    public OwnerRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The owner with its pets, in the order they were added. */
    @SuppressWarnings("NullAway") // rows mapped to records are never null
    public Optional<Owner> find(long id) {
        Optional<String> name = jdbc.sql("SELECT name FROM owner WHERE id = ?")
                .param(id)
                .query(String.class)
                .optional();
        return name.map(found -> {
            List<Pet> pets = jdbc.sql("SELECT id, owner_id, name FROM pet WHERE owner_id = ? ORDER BY id")
                    .param(id)
                    .query(Pet.class)
                    .list();
            return new Owner(id, found, pets);
        });
    }

    public Pet addPet(long ownerId, String name) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO pet (owner_id, name) VALUES (?, ?)")
                .params(ownerId, name)
                .update(key, "id");
        return new Pet(Objects.requireNonNull(key.getKey(), "generated id").longValue(), ownerId, name);
    }
}
