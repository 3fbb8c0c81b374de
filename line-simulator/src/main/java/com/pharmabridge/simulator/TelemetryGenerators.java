package com.pharmabridge.simulator;

import java.time.LocalDate;
import java.util.SplittableRandom;

/** Chooses and seeds the generator of a device. */
final class TelemetryGenerators {
    private TelemetryGenerators() {
    }

    /**
     * @param context        batch, time and setpoint of the machine, read every cycle
     * @param random         the device's own stream of the run's seed (see {@link #deviceRandom})
     * @param productionDate the day the line packs; serialization prints an expiry from it
     * @param gtin           the product's GTIN for serialization, or {@code null} for one drawn from the seed
     */
    static CycleGenerator forDevice(SimulatedDevice device, MachineContext context, SplittableRandom random,
                                    LocalDate productionDate, String gtin) {
        return switch (device.equipment()) {
            case BLISTER_SEALER -> new BlisterSealerGenerator(device, context, random);
            case CARTONER -> new CartonerGenerator(device, context, random);
            case CASE_PACKER -> new CasePackerGenerator(device, context, random);
            case SERIALIZATION -> new SerializationGenerator(device, context, random, productionDate, gtin);
        };
    }

    /** A generator for one fixed batch at the default setpoint, outside any line. */
    static CycleGenerator forDevice(SimulatedDevice device, String batchId, SplittableRandom random,
                                    LocalDate productionDate) {
        MachineContext fixed = MachineContext.fixed(batchId, productionDate.atStartOfDay().toInstant(
                java.time.ZoneOffset.UTC), BlisterSealerGenerator.SETPOINT_C);
        return forDevice(device, fixed, random, productionDate, null);
    }

    /**
     * A random stream that depends only on the run's seed and the device id: devices differ from one another, and a
     * run with the same seed and devices reproduces the same data whatever the order or timing of devices.
     */
    static SplittableRandom deviceRandom(long seed, String deviceId) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + deviceId.hashCode());
    }
}
