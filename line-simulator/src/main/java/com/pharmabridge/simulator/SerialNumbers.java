package com.pharmabridge.simulator;

import java.util.random.RandomGenerator;

/**
 * Serial numbers (GS1 AI 21) for one device: 12 digits, never repeated, in no guessable order. Regulations such as
 * the EU FMD require randomised serials, and a counter would not be; this is the bijection
 * {@code n -> (a*n + b) mod 10^12} with {@code a} coprime to 10^12, so the first 10^12 serials are all distinct.
 */
final class SerialNumbers {
    static final long MODULUS = 1_000_000_000_000L;

    private final long multiplier;
    private final long offset;
    private long counter;

    SerialNumbers(RandomGenerator random) {
        long a;
        do {
            a = random.nextLong(MODULUS / 10, MODULUS);
        } while (a % 2 == 0 || a % 5 == 0); // coprime to 10^12 = 2^12 * 5^12
        multiplier = a;
        offset = random.nextLong(MODULUS);
    }

    /** @return the next serial, 12 digits with leading zeros */
    String next() {
        long n = counter++;
        if (n >= MODULUS) {
            throw new IllegalStateException("Serial number space exhausted");
        }
        long serial = (mulMod(multiplier, n) + offset) % MODULUS;
        String digits = Long.toString(serial);
        return "0".repeat(12 - digits.length()) + digits;
    }

    // a and n are below 2^40, so their product needs 80 bits: multiply in two 20-bit halves of n to stay in a long.
    private static long mulMod(long a, long n) {
        long high = n >>> 20;
        long low = n & 0xFFFFF;
        long result = (a * high) % MODULUS;
        result = (result << 20) % MODULUS;
        return (result + (a * low) % MODULUS) % MODULUS;
    }
}
