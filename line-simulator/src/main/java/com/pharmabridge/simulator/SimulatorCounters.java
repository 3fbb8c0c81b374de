package com.pharmabridge.simulator;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Totals over all machines of one simulator; updated from socket and scheduler threads. */
final class SimulatorCounters {
    final AtomicInteger connected = new AtomicInteger();
    final LongAdder published = new LongAdder();
    final LongAdder acknowledged = new LongAdder();
    final LongAdder refused = new LongAdder();
    /** Unacked messages given up because a device's pending buffer was full. */
    final LongAdder dropped = new LongAdder();
}
