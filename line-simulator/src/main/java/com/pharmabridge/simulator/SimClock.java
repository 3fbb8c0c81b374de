package com.pharmabridge.simulator;

import java.time.Instant;

/**
 * Simulated time of a run. Only the simulator's event loop moves it forward; machines and HMIs read it from any
 * thread when they stamp a reading or answer a command.
 */
final class SimClock {
    private volatile Instant now;

    SimClock(Instant start) {
        this.now = start;
    }

    Instant now() {
        return now;
    }

    void advanceTo(Instant time) {
        if (time.isAfter(now)) {
            now = time;
        }
    }
}
