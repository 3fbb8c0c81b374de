package com.pharmabridge.simulator;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: 1 s, 2 s, 4 s … doubling up to 30 s, each spread by up to ±25% so that a line full of devices
 * dropped by one gateway restart does not reconnect in lock-step. A jittered delay is never longer than the cap, so
 * at the cap delays fall in [22.5 s, 30 s]. Not thread-safe.
 */
final class Backoff {
    static final Duration INITIAL = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);
    static final double JITTER = 0.25;

    private final RandomGenerator random;
    private int failures;

    Backoff(RandomGenerator random) {
        this.random = random;
    }

    /** @return the delay before the next attempt; each call counts one more failed attempt */
    Duration nextDelay() {
        long nominal = nominalMillis(failures);
        if (failures < Integer.MAX_VALUE) {
            failures++;
        }
        double factor = 1 + (random.nextDouble() * 2 - 1) * JITTER;
        return Duration.ofMillis(Math.min(MAX.toMillis(), Math.round(nominal * factor)));
    }

    /** Starts again at the initial delay; called once a connection has succeeded. */
    void reset() {
        failures = 0;
    }

    /** @return the delay before jitter after {@code failures} failed attempts */
    static long nominalMillis(int failures) {
        int doublings = Math.min(failures, 20); // 2^20 s is far past the cap; keeps the shift from overflowing
        return Math.min(MAX.toMillis(), INITIAL.toMillis() << doublings);
    }
}
