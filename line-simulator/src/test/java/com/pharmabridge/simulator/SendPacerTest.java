package com.pharmabridge.simulator;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class SendPacerTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void allowsABurstThenPacesAtTheRate() {
        SendPacer pacer = new SendPacer(40, 10, now::get);
        for (int i = 0; i < 10; i++) {
            assertThat(pacer.tryAcquire()).isTrue();
        }
        assertThat(pacer.tryAcquire()).isFalse();
        assertThat(pacer.nanosUntilNextToken()).isEqualTo(25_000_000L); // 1/40 s
        now.addAndGet(25_000_000L);
        assertThat(pacer.nanosUntilNextToken()).isZero();
        assertThat(pacer.tryAcquire()).isTrue();
        assertThat(pacer.tryAcquire()).isFalse();
    }

    @Test
    void sendsAtMostTheRateOverTimeAndNeverBanksMoreThanTheBurst() {
        SendPacer pacer = new SendPacer(40, 10, now::get);
        now.addAndGet(60_000_000_000L); // a long idle minute
        int sent = 0;
        for (int ms = 0; ms < 1_000; ms++) {
            while (pacer.tryAcquire()) {
                sent++;
            }
            now.addAndGet(1_000_000L);
        }
        assertThat(sent).isBetween(49, 50); // burst 10 + 40 over one second
    }

    @Test
    void catchUpRateIsTwiceThePublishRateWithAFloor() {
        // burst + rate, give or take the last token of a thousand floating-point refills
        assertThat(sentInOneSecond(SendPacer.forPublishRate(100, now::get))).isBetween(249, 250);
        assertThat(sentInOneSecond(SendPacer.forPublishRate(0.1, now::get))).isBetween(14, 15);
    }

    private int sentInOneSecond(SendPacer pacer) {
        int sent = 0;
        for (int ms = 0; ms < 1_000; ms++) {
            while (pacer.tryAcquire()) {
                sent++;
            }
            now.addAndGet(1_000_000L);
        }
        return sent;
    }

    @Test
    void rateLimitHalvesThePaceOncePerWindowAndDropsTheBurst() {
        SendPacer pacer = new SendPacer(100, 20, now::get);
        pacer.slowDown();
        pacer.slowDown(); // refused together with the first: same overload
        assertThat(pacer.perSecond()).isCloseTo(50, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(pacer.tryAcquire()).isFalse();
        now.addAndGet(SendPacer.SLOW_DOWN_WINDOW_NANOS);
        pacer.slowDown();
        assertThat(pacer.perSecond()).isCloseTo(25, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void paceNeverDropsBelowOnePerSecond() {
        SendPacer pacer = new SendPacer(100, 20, now::get);
        for (int i = 0; i < 50; i++) {
            pacer.slowDown();
            now.addAndGet(SendPacer.SLOW_DOWN_WINDOW_NANOS);
        }
        assertThat(pacer.perSecond()).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void acksRestoreThePaceUpToTheStartingPace() {
        SendPacer pacer = new SendPacer(100, 20, now::get);
        pacer.slowDown();
        for (int i = 0; i < 100; i++) {
            pacer.speedUp();
        }
        assertThat(pacer.perSecond()).isCloseTo(70, org.assertj.core.data.Offset.offset(1e-6));
        for (int i = 0; i < 1_000; i++) {
            pacer.speedUp();
        }
        assertThat(pacer.perSecond()).isCloseTo(100, org.assertj.core.data.Offset.offset(1e-6));
    }
}
