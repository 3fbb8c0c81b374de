package com.pharmabridge.simulator;

import java.util.Locale;

/** The state of a simulated machine, as the HMI commands it and as its state events report it. */
public enum MachineState {
    /** Idle: waiting for a start command; produces nothing. */
    STOPPED,
    /** Producing: every cycle gives its readings. */
    RUNNING,
    /** Stopped by a fault of its own; recovers after a while, then runs again. */
    FAULT,
    /** Being calibrated after a command; stopped again when done. */
    CALIBRATING;

    /** @return the lower-case name used in payloads, e.g. {@code running} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
