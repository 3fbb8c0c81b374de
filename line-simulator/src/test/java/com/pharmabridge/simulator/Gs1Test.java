package com.pharmabridge.simulator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Gs1Test {
    @Test
    void knownGtinsAreValid() {
        assertThat(Gs1.isValidGtin("00012345600012")).isTrue();
        assertThat(Gs1.isValidGtin("10614141000415")).isTrue();
    }

    @Test
    void checkDigitOfKnownGtins() {
        assertThat(Gs1.checkDigit("0001234560001")).isEqualTo(2);
        assertThat(Gs1.checkDigit("1061414100041")).isEqualTo(5);
        assertThat(Gs1.withCheckDigit("1061414100041")).isEqualTo("10614141000415");
    }

    @Test
    void everyWrongCheckDigitIsInvalid() {
        for (char digit = '0'; digit <= '9'; digit++) {
            if (digit != '5') {
                assertThat(Gs1.isValidGtin("1061414100041" + digit)).as("check digit %s", digit).isFalse();
            }
        }
        assertThat(Gs1.isValidGtin("00012345600013")).isFalse();
    }

    @Test
    void singleDigitErrorsAreDetected() {
        assertThat(Gs1.isValidGtin("10614141000425")).isFalse(); // one digit changed
        assertThat(Gs1.isValidGtin("10614141004015")).isFalse(); // another one changed
    }

    @Test
    void malformedGtinsAreInvalid() {
        assertThat(Gs1.isValidGtin(null)).isFalse();
        assertThat(Gs1.isValidGtin("")).isFalse();
        assertThat(Gs1.isValidGtin("0001234560001")).isFalse(); // 13 digits
        assertThat(Gs1.isValidGtin("000123456000120")).isFalse(); // 15 digits
        assertThat(Gs1.isValidGtin("0001234560001X")).isFalse();
        assertThat(Gs1.isValidGtin("0001234560 012")).isFalse();
    }

    @Test
    void checkDigitNeedsThirteenDigits() {
        assertThatThrownBy(() -> Gs1.checkDigit("123")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Gs1.checkDigit("000123456000A")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Gs1.checkDigit(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
