package com.pharmabridge.gateway.auth;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {
    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-01-15T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final LoginThrottle throttle = new LoginThrottle(3, 10, Duration.ofSeconds(1), Duration.ofSeconds(60), clock);

    @Test
    void deviceIsLockedAfterTheAllowedFailuresAndTheLockoutGrowsWithEachFurtherFailure() {
        for (int i = 0; i < 2; i++) {
            throttle.failed("sealer-1", "10.0.0.1");
        }
        assertThat(throttle.isLocked("sealer-1", "10.0.0.2")).isFalse();
        throttle.failed("sealer-1", "10.0.0.1");
        assertThat(throttle.isLocked("sealer-1", "10.0.0.2")).as("locked whatever the host").isTrue();
        clock.advance(Duration.ofMillis(1001));
        assertThat(throttle.isLocked("sealer-1", "10.0.0.2")).isFalse();
        throttle.failed("sealer-1", "10.0.0.1"); // 4th: 2 s
        clock.advance(Duration.ofMillis(1500));
        assertThat(throttle.isLocked("sealer-1", "10.0.0.2")).isTrue();
        clock.advance(Duration.ofMillis(600));
        assertThat(throttle.isLocked("sealer-1", "10.0.0.2")).isFalse();
    }

    @Test
    void lockoutNeverExceedsTheCap() {
        for (int i = 0; i < 50; i++) {
            throttle.failed("sealer-1", "10.0.0.1");
        }
        clock.advance(Duration.ofSeconds(61));
        assertThat(throttle.isLocked("sealer-1", "10.0.0.9")).isFalse();
    }

    @Test
    void hostGuessingManyIdsIsLockedOutForEveryId() {
        for (int i = 0; i < 10; i++) {
            throttle.failed("guess-" + i, "10.6.6.6");
        }
        assertThat(throttle.isLocked("sealer-1", "10.6.6.6")).isTrue();
        assertThat(throttle.isLocked("sealer-1", "10.0.0.1")).as("other hosts unaffected").isFalse();
    }

    @Test
    void successClearsTheDeviceRecord() {
        throttle.failed("sealer-1", "10.0.0.1");
        throttle.failed("sealer-1", "10.0.0.1");
        throttle.succeeded("sealer-1");
        throttle.failed("sealer-1", "10.0.0.1");
        assertThat(throttle.isLocked("sealer-1", "10.0.0.3")).isFalse();
    }
}
