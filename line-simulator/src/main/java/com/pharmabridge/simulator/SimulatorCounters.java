package com.pharmabridge.simulator;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Totals over all devices of one simulator; updated from the event loop and the SDK's threads. */
final class SimulatorCounters {
    final AtomicInteger connected = new AtomicInteger();
    final LongAdder published = new LongAdder();
    final LongAdder acknowledged = new LongAdder();
    final LongAdder refused = new LongAdder();
    final Map<DataStream, LongAdder> acknowledgedByStream = new EnumMap<>(DataStream.class);
    final LongAdder commandsSent = new LongAdder();
    final LongAdder commandsAccepted = new LongAdder();
    final LongAdder commandsRefused = new LongAdder();
    final LongAdder commandsUnanswered = new LongAdder();
    final LongAdder commandsObeyed = new LongAdder();
    final LongAdder batchesStarted = new LongAdder();
    final LongAdder batchesCompleted = new LongAdder();
    final LongAdder holds = new LongAdder();
    final LongAdder releases = new LongAdder();
    final LongAdder alertsSeenByHmi = new LongAdder();
    final LongAdder outages = new LongAdder();

    SimulatorCounters() {
        for (DataStream stream : DataStream.values()) {
            acknowledgedByStream.put(stream, new LongAdder());
        }
    }
}
