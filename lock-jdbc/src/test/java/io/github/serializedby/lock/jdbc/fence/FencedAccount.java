package io.github.serializedby.lock.jdbc.fence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * An account as a JPA application maps it. The fence's token column is mapped read-only: the fence
 * writes it, and Hibernate must never write back a value it loaded.
 */
@Entity
@Table(name = "fence_jpa_account")
public class FencedAccount {

    @Id
    private Long id;

    private long balance;

    @Column(name = "fence_token", insertable = false, updatable = false)
    private @Nullable Long fenceToken;

    protected FencedAccount() {
        this.id = 0L;
    }

    FencedAccount(long id, long balance) {
        this.id = id;
        this.balance = balance;
    }

    long balance() {
        return balance;
    }

    void withdraw(long amount) {
        balance -= amount;
    }

    @Nullable
    Long fenceToken() {
        return fenceToken;
    }
}
