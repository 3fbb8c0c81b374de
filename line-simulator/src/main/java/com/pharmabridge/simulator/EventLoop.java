package com.pharmabridge.simulator;

import java.time.Instant;

/** Lets machines and HMIs put actions on the simulator's timeline, in simulated time. */
interface EventLoop {
    /** Runs {@code action} on the event loop's thread once simulated time reaches {@code at}. */
    void at(Instant at, Runnable action);
}
