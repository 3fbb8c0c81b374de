package com.pharmabridge.simulator;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    @Test
    void nominalDelayDoublesFromOneSecondUpToThirtySeconds() {
        assertThat(List.of(0, 1, 2, 3, 4, 5, 6, 50, Integer.MAX_VALUE).stream().map(Backoff::nominalMillis))
                .containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L, 30_000L);
    }

    @Test
    void everyDelayIsWithinTwentyFivePercentOfNominalAndNeverAboveTheCap() {
        for (long seed = 0; seed < 200; seed++) {
            Backoff backoff = new Backoff(new SplittableRandom(seed));
            for (int failures = 0; failures < 12; failures++) {
                long nominal = Backoff.nominalMillis(failures);
                long delay = backoff.nextDelay().toMillis();
                assertThat(delay).as("attempt %d", failures)
                        .isBetween(Math.round(nominal * 0.75), Math.min(Math.round(nominal * 1.25), 30_000));
            }
        }
    }

    @Test
    void firstDelayIsAboutOneSecondAndJitterSpreadsBothWays() {
        List<Long> first = new ArrayList<>();
        for (long seed = 0; seed < 500; seed++) {
            first.add(new Backoff(new SplittableRandom(seed)).nextDelay().toMillis());
        }
        assertThat(first).allSatisfy(d -> assertThat(d).isBetween(750L, 1250L));
        assertThat(first).anySatisfy(d -> assertThat(d).isLessThan(850L));
        assertThat(first).anySatisfy(d -> assertThat(d).isGreaterThan(1150L));
        assertThat(first.stream().distinct().count()).isGreaterThan(100);
    }

    @Test
    void delaysAtTheCapAreStillSpread() {
        Backoff backoff = new Backoff(new SplittableRandom(9));
        for (int i = 0; i < 6; i++) {
            backoff.nextDelay();
        }
        List<Long> capped = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            capped.add(backoff.nextDelay().toMillis());
        }
        assertThat(capped).allSatisfy(d -> assertThat(d).isBetween(22_500L, 30_000L));
        assertThat(capped).anySatisfy(d -> assertThat(d).isLessThan(25_000L));
    }

    @Test
    void resetStartsOverAtOneSecond() {
        Backoff backoff = new Backoff(new SplittableRandom(1));
        for (int i = 0; i < 8; i++) {
            backoff.nextDelay();
        }
        assertThat(backoff.nextDelay()).isGreaterThanOrEqualTo(Duration.ofMillis(22_500));
        backoff.reset();
        assertThat(backoff.nextDelay().toMillis()).isBetween(750L, 1250L);
        assertThat(backoff.nextDelay().toMillis()).isBetween(1500L, 2500L);
    }

    @Test
    void sameSeedSameDelays() {
        Backoff a = new Backoff(new SplittableRandom(77));
        Backoff b = new Backoff(new SplittableRandom(77));
        for (int i = 0; i < 10; i++) {
            assertThat(a.nextDelay()).isEqualTo(b.nextDelay());
        }
    }
}
