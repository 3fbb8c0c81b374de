package com.pharmabridge.sdk;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Reconnect delays: initial, doubling up to the cap, each spread by ±jitter and never above the cap. */
final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private final double jitter;
    private int failures; // guarded by this

    Backoff(Duration initial, Duration max, double jitter) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.jitter = jitter;
    }

    /** @return the delay before the next attempt; each call counts one more failed attempt */
    synchronized Duration nextDelay() {
        long nominal = Math.min(maxMillis, initialMillis << Math.min(failures, 20));
        if (failures < Integer.MAX_VALUE) {
            failures++;
        }
        double factor = 1 + (ThreadLocalRandom.current().nextDouble() * 2 - 1) * jitter;
        return Duration.ofMillis(Math.max(1, Math.min(maxMillis, Math.round(nominal * factor))));
    }

    /** Starts again at the initial delay; called once a connection has been authenticated. */
    synchronized void reset() {
        failures = 0;
    }
}
