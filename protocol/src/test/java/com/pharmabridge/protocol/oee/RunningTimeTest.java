package com.pharmabridge.protocol.oee;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RunningTimeTest {
    private static final Instant T0 = Instant.parse("2026-01-15T06:00:00Z");

    private static RunningTime.StateChange at(int minutes, String state) {
        return new RunningTime.StateChange(T0.plus(Duration.ofMinutes(minutes)), state);
    }

    /** Verifies that running intervals are summed, clipped to the period, and one still open runs to its end. */
    @Test
    void runningIntervalsAreSummedWithinThePeriod() {
        List<RunningTime.StateChange> changes = List.of(at(-10, "running"), at(20, "fault"), at(30, "running"),
                at(50, "stopped"), at(55, "running"));
        assertThat(RunningTime.within(changes, T0, T0.plus(Duration.ofMinutes(60))))
                .isEqualTo(Duration.ofMinutes(20 + 20 + 5));
    }

    /** Verifies that a repeated "running" does not restart the interval and other states count as not running. */
    @Test
    void repeatedStatesAndOtherStatesAreNotRunTime() {
        List<RunningTime.StateChange> changes = List.of(at(0, "running"), at(10, "running"), at(15, "calibrating"),
                at(40, "stopped"));
        assertThat(RunningTime.within(changes, T0, T0.plus(Duration.ofMinutes(60)))).isEqualTo(Duration.ofMinutes(15));
        assertThat(RunningTime.within(List.of(), T0, T0.plusSeconds(60))).isZero();
    }
}
