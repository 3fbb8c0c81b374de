package com.pharmabridge.simulator;

import java.time.LocalDate;
import java.util.SplittableRandom;

/** Chooses and seeds the generator of a device. */
final class TelemetryGenerators {
    private TelemetryGenerators() {
    }

    /**
     * @param random         the device's own stream of the run's seed (see {@link #deviceRandom})
     * @param productionDate today's date on the device's clock
     */
    static TelemetryGenerator forDevice(SimulatedDevice device, String batchId, SplittableRandom random,
                                        LocalDate productionDate) {
        return switch (device.equipment()) {
            case BLISTER_SEALER -> new BlisterSealerGenerator(device, batchId, random);
            case CARTONER -> new CartonerGenerator(device, batchId, random);
            case CASE_PACKER -> new CasePackerGenerator(device, batchId, random);
            case SERIALIZATION -> new SerializationGenerator(device, batchId, random, productionDate);
        };
    }

    /**
     * A random stream that depends only on the run's seed and the device id: devices differ from one another, and a
     * run with the same seed and devices reproduces the same data whatever the order or timing of devices.
     */
    static SplittableRandom deviceRandom(long seed, String deviceId) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + deviceId.hashCode());
    }
}
