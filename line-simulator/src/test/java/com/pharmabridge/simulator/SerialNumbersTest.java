package com.pharmabridge.simulator;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class SerialNumbersTest {
    @Test
    void serialsAreTwelveDigitsAndNeverRepeat() {
        SerialNumbers serials = new SerialNumbers(new SplittableRandom(3));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            String serial = serials.next();
            assertThat(serial).matches("\\d{12}");
            assertThat(seen.add(serial)).as("repeated %s", serial).isTrue();
        }
    }

    @Test
    void serialsAreNotConsecutive() {
        SerialNumbers serials = new SerialNumbers(new SplittableRandom(4));
        long first = Long.parseLong(serials.next());
        long second = Long.parseLong(serials.next());
        assertThat(Math.abs(second - first)).isGreaterThan(1000);
    }
}
