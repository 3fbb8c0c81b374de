package com.pharmabridge.simulator;

import java.time.Instant;

/**
 * What a machine's data generator reads from the machine around it each cycle: the batch on the line, the simulated
 * time of the cycle and the setpoint the operator last chose. Changes between cycles (a new batch, a setpoint
 * command) show in the next cycle's readings.
 */
interface MachineContext {
    /** @return the batch being packed, carried as {@code batchId} in every payload */
    String batchId();

    /** @return the simulated time of the cycle being generated */
    Instant time();

    /** @return the machine's process setpoint (the blister sealer's sealing temperature, °C) */
    double setpoint();

    /** A context that never changes; for generators driven outside a line (tests, tools). */
    static MachineContext fixed(String batchId, Instant time, double setpoint) {
        return new MachineContext() {
            @Override
            public String batchId() {
                return batchId;
            }

            @Override
            public Instant time() {
                return time;
            }

            @Override
            public double setpoint() {
                return setpoint;
            }
        };
    }
}
