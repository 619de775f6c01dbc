package io.github.serializedby.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.memory.InMemoryLockProvider;
import org.junit.jupiter.api.Test;

/** A thread's chain of held leases: whose each lease is, whether it is lent, after leases leave out of order. */
class HeldLeasesTest {

    private final InMemoryLockProvider provider = new InMemoryLockProvider();
    private final Acquirer first = new Acquirer(provider);
    private final Acquirer second = new Acquirer(provider);
    private final HeldLeases chain = new HeldLeases();

    @Test
    void leasesBehindARemovedOneKeepTheirOwnerAndWhetherTheyAreLent() {
        Lease outer = lease("outer");
        Lease middle = lease("middle");
        Lease lent = lease("lent");
        Lease other = lease("other");
        chain.add(first, outer);
        chain.add(first, middle);
        chain.add(first, lent, true);
        chain.add(second, other);

        chain.remove(middle);

        assertThat(chain.find(first, "n", "middle")).isNull();
        assertThat(chain.find(first, "n", "outer")).isSameAs(outer);
        assertThat(chain.find(first, "n", "lent")).isSameAs(lent);
        assertThat(chain.find(first, "n", "lent", false)).isNull();
        assertThat(chain.find(first, "n", "other")).isNull();
        assertThat(chain.find(second, "n", "other", false)).isSameAs(other);
        assertThat(chain.snapshot()).containsExactly(outer, lent, other);
    }

    @Test
    void aLeaseAddedTwiceLeavesInnermostFirst() {
        Lease lease = lease("k");
        chain.add(first, lease);
        chain.add(second, lease, true);

        chain.remove(lease);

        assertThat(chain.find(first, "n", "k", false)).isSameAs(lease);
        assertThat(chain.find(second, "n", "k")).isNull();
        chain.remove(lease);
        assertThat(chain.snapshot()).isEmpty();
    }

    @Test
    void theChainGrowsPastItsFirstArrays() {
        for (int i = 0; i < 10; i++) {
            chain.add(i % 2 == 0 ? first : second, lease("k" + i), i % 3 == 0);
        }

        assertThat(chain.snapshot()).hasSize(10);
        assertThat(chain.find(second, "n", "k9", false)).isNull();
        assertThat(chain.find(second, "n", "k9")).isNotNull();
        assertThat(chain.find(first, "n", "k8", false)).isNotNull();
    }

    private Lease lease(String key) {
        return provider.tryAcquire(LockRequest.exclusive("n", key)).orElseThrow();
    }
}
