package io.github.serializedby.lock.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyTableTest {

    private final KeyTable table = new KeyTable(1);

    @Test
    void keysSharingABucketAreFoundAddedAndRemovedOneByOne() {
        List<KeyState> states = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            KeyState state = state("k" + i);
            assertThat(table.putIfAbsent(state)).isNull();
            states.add(state);
        }
        assertThat(table.size()).isEqualTo(5);
        assertThat(table.get("lock", "k3", KeyTable.hash("lock", "k3"))).isSameAs(states.get(3));

        table.remove(states.get(2));
        table.remove(states.get(0));
        assertThat(table.get("lock", "k2", KeyTable.hash("lock", "k2"))).isNull();
        assertThat(table.get("lock", "k4", KeyTable.hash("lock", "k4"))).isSameAs(states.get(4));
        assertThat(table.size()).isEqualTo(3);

        states.forEach(table::remove);
        assertThat(table.size()).isZero();
    }

    @Test
    void aSecondStateForTheSameKeyIsRefusedInFavourOfThePresentOne() {
        KeyState first = state("k");
        KeyState other = state("other");
        table.putIfAbsent(first);
        table.putIfAbsent(other);

        assertThat(table.putIfAbsent(state("k"))).isSameAs(first);
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void removingAStateThatLeftAlreadyChangesNothing() {
        KeyState gone = state("k");
        KeyState kept = state("k");
        table.putIfAbsent(gone);
        table.remove(gone);
        table.putIfAbsent(kept);

        table.remove(gone);

        assertThat(table.get("lock", "k", KeyTable.hash("lock", "k"))).isSameAs(kept);
    }

    @Test
    void theSameKeyUnderAnotherNameIsAnotherState() {
        KeyState state = state("k");
        table.putIfAbsent(state);

        assertThat(table.get("other-lock", "k", KeyTable.hash("other-lock", "k")))
                .isNull();
    }

    private static KeyState state(String key) {
        return new KeyState("lock", key, KeyTable.hash("lock", key), LockMode.EXCLUSIVE);
    }
}
