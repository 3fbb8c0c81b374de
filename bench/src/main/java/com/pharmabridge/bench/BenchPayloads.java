package com.pharmabridge.bench;

/** The benchmark payloads, for the JMH benchmarks in other packages. */
public final class BenchPayloads {
    private BenchPayloads() {
    }

    /** @return the 200-byte telemetry payload device {@code device} sends in the load scenarios */
    public static String payload(int device) {
        return Wire.payload(device);
    }
}
