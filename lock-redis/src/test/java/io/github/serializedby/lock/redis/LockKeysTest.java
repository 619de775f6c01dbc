package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.LockRequest;
import org.junit.jupiter.api.Test;

class LockKeysTest {

    @Test
    void aLocksKeysShareOneHashTagAfterThePrefix() {
        LockKeys keys = LockKeys.of("app:", LockRequest.exclusive("orders", "42"));

        assertThat(keys.hash()).isEqualTo("app:{orders:42}");
        assertThat(keys.fence()).isEqualTo("app:{orders:42}:fence");
        assertThat(keys.channel()).isEqualTo(keys.hash());
    }

    @Test
    void aColonInTheNameCannotMakeTwoLocksOne() {
        LockKeys colonInName = LockKeys.of("p:", LockRequest.exclusive("a:b", "c"));
        LockKeys colonInKey = LockKeys.of("p:", LockRequest.exclusive("a", "b:c"));

        assertThat(colonInName.hash()).isNotEqualTo(colonInKey.hash());
        assertThat(colonInName.hash()).isEqualTo("p:{a%3Ab:c}");
    }

    @Test
    void theChannelPatternTakesThePrefixLiterally() {
        assertThat(LockKeys.channelPattern("serialized-by:")).isEqualTo("serialized-by:*");
        assertThat(LockKeys.channelPattern("a*b?[c]\\:")).isEqualTo("a\\*b\\?\\[c\\]\\\\:*");
    }

    @Test
    void aPrefixWithBracesIsRefused() {
        assertThatThrownBy(() -> RedisLockOptions.builder().prefix("{app}:"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
