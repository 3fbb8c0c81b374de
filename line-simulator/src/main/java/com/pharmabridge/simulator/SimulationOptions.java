package com.pharmabridge.simulator;

/**
 * How the simulated line runs.
 *
 * @param messagesPerSecondPerDevice publishes per second of each device, all its metrics together; more than 0
 * @param batchId                    the batch being packed: carried as {@code batchId} in every payload (and as the
 *                                   GS1 lot of serialization reads)
 * @param seed                       seed of all simulated data, so that a run can be reproduced
 */
public record SimulationOptions(double messagesPerSecondPerDevice, String batchId, long seed) {
    /** The highest rate accepted; beyond it the scheduler, not the gateway, would be the bottleneck. */
    public static final double MAX_MESSAGES_PER_SECOND_PER_DEVICE = 10_000;

    /** @throws IllegalArgumentException when the rate is not in (0, 10000] or the batch id is blank */
    public SimulationOptions {
        if (!(messagesPerSecondPerDevice > 0) || messagesPerSecondPerDevice > MAX_MESSAGES_PER_SECOND_PER_DEVICE) {
            throw new IllegalArgumentException("messagesPerSecondPerDevice must be in (0, "
                    + MAX_MESSAGES_PER_SECOND_PER_DEVICE + "]: " + messagesPerSecondPerDevice);
        }
        if (batchId == null || batchId.isBlank()) {
            throw new IllegalArgumentException("batchId is required");
        }
    }
}
