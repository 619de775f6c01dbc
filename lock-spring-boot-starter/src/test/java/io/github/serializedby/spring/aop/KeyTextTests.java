package io.github.serializedby.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.InvalidLockKeyException;
import io.github.serializedby.lock.LockRequest;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The text of key values: decimals by numeric value and never expanded, strings never copied. */
class KeyTextTests {

    @ParameterizedTest
    @CsvSource({
        "1.50, 1.5",
        "1.5, 1.5",
        "1E+3, 1000",
        "1000, 1000",
        "1000.000, 1000",
        "0.00, 0",
        "-0.0, 0",
        "0.000123, 0.000123",
        "-12.3400, -12.34",
        "1E+999999999, 1E+999999999",
        "-1E-999999999, -1E-999999999",
        "1E+63, 1000000000000000000000000000000000000000000000000000000000000000",
        "1E+64, 1E+64",
        "1.5E-70, 1.5E-70"
    })
    void aDecimalKeyIsItsCanonicalShortText(String written, String key) {
        assertThat(KeyText.text(new BigDecimal(written))).isEqualTo(key);
    }

    @Test
    void equalDecimalsGiveOneKeyAndDifferentOnesDifferentKeys() {
        assertThat(KeyText.text(new BigDecimal("1.50"))).isEqualTo(KeyText.text(new BigDecimal("1.5")));
        assertThat(KeyText.text(new BigDecimal("1E+64"))).isEqualTo(KeyText.text(new BigDecimal("10E+63")));
        assertThat(KeyText.text(new BigDecimal("1E+64"))).isNotEqualTo(KeyText.text(new BigDecimal("1E+65")));
    }

    @Test
    void aHugeExponentStaysShort() {
        for (String huge : List.of("9.99E+999999999", "-1E+2147483647", "1E-2147483647")) {
            assertThat(KeyText.text(new BigDecimal(huge))).hasSizeLessThan(32);
        }
    }

    @Test
    void aMegabyteStringIsPassedOnUncopiedAndRefusedByLength() {
        String megabyte = "k".repeat(1 << 20);
        List<String> keys = new ArrayList<>();

        assertThat(KeyText.single(megabyte)).isSameAs(megabyte);
        assertThat(KeyText.addKeys(List.of(megabyte), keys)).isTrue();
        assertThat(keys).singleElement().isSameAs(megabyte);
        assertThatThrownBy(() -> LockRequest.exclusive("orders", megabyte)).isInstanceOf(InvalidLockKeyException.class);
    }
}
