package com.pharmabridge.simulator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A generator whose machine reports in cycles (all its metrics, then any alerts they caused) and hands the readings
 * out one at a time. One reading per call keeps each device at exactly its configured publish rate, whatever the
 * number of metrics: an alert takes the next slot instead of adding a burst the gateway might rate-limit.
 */
abstract class CycleGenerator implements TelemetryGenerator {
    private final ArrayDeque<Reading> queue = new ArrayDeque<>();
    /** Good units made since the last {@link #resetCounts()}: what the machine's own counter shows. */
    protected long produced;
    /** Units rejected since the last {@link #resetCounts()}. */
    protected long rejected;
    private final List<Reading> cycle = new ArrayList<>();

    @Override
    public final Reading next() {
        while (queue.isEmpty()) {
            cycle.clear();
            nextCycle(cycle);
            queue.addAll(cycle);
        }
        return queue.poll();
    }

    long produced() {
        return produced;
    }

    long rejected() {
        return rejected;
    }

    /** Zeroes the unit counters, as an operator does at the start of a batch. */
    void resetCounts() {
        produced = 0;
        rejected = 0;
    }

    /** Advances the machine by one cycle and adds what it reports, in order; must add at least one reading. */
    protected abstract void nextCycle(List<Reading> out);
}
