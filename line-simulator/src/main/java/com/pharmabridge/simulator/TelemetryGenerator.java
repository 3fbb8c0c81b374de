package com.pharmabridge.simulator;

/** The data one simulated machine produces, one reading per publish slot. Not thread-safe. */
interface TelemetryGenerator {
    /** @return the next reading; never {@code null} */
    Reading next();
}
