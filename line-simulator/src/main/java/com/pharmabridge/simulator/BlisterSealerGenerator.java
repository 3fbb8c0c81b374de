package com.pharmabridge.simulator;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A blister sealer: two heated sealing plates (upper and lower zone) held at a setpoint, the sealing pressure, the
 * dwell time, and a seal-integrity check of the sealed card. Zone temperatures drift slowly around the setpoint with
 * measurement noise; rarely a heater overshoots past the limit for a few cycles, which also raises a
 * temperature-excursion alert and makes leaking seals likely.
 */
final class BlisterSealerGenerator extends CycleGenerator {
    static final double SETPOINT_C = 185.0;
    /** An excursion is a zone hotter than the setpoint by more than this. */
    static final double LIMIT_ABOVE_SETPOINT_C = 5.0;
    static final double PRESSURE_BAR = 4.5;
    static final double DWELL_TIME_S = 1.2;
    private static final String[] ZONES = {"upper", "lower"};
    private static final double MAX_DRIFT_C = 1.5;
    private static final double EXCURSION_PROBABILITY = 0.002;

    private final SubjectHierarchy subjects;
    private final MachineContext context;
    private final RandomGenerator random;
    private final double[] drift = new double[ZONES.length];
    private final int[] excursionCyclesLeft = new int[ZONES.length];
    private final double[] excursionOffset = new double[ZONES.length];

    BlisterSealerGenerator(SimulatedDevice device, MachineContext context, RandomGenerator random) {
        this.subjects = new SubjectHierarchy(device);
        this.context = context;
        this.random = random;
    }

    @Override
    protected void nextCycle(List<Reading> out) {
        boolean overheated = false;
        double setpoint = context.setpoint();
        double limit = setpoint + LIMIT_ABOVE_SETPOINT_C;
        for (int zone = 0; zone < ZONES.length; zone++) {
            double value = JsonPayload.round(zoneTemperature(zone, setpoint), 1);
            out.add(new Reading(subjects.factory("temperature"), JsonPayload.object()
                    .number("value", value, 1).text("unit", "C").text("zone", ZONES[zone])
                    .number("setpoint", setpoint, 1).number("limit", limit, 1).text("batchId", context.batchId())
                    .build()));
            if (value > limit) {
                overheated = true;
                out.add(new Reading(subjects.alert("temperature-excursion"), JsonPayload.object()
                        .text("severity", "high").number("value", value, 1).number("limit", limit, 1)
                        .text("zone", ZONES[zone]).text("equipment", "blister-sealer").text("batchId", context.batchId())
                        .build()));
            }
        }
        out.add(new Reading(subjects.factory("pressure"), JsonPayload.object()
                .number("value", PRESSURE_BAR + random.nextGaussian() * 0.04, 2).text("unit", "bar")
                .text("batchId", context.batchId()).build()));
        out.add(new Reading(subjects.factory("dwell-time"), JsonPayload.object()
                .number("value", DWELL_TIME_S + random.nextGaussian() * 0.015, 3).text("unit", "s")
                .text("batchId", context.batchId()).build()));
        // An overheated plate deforms the foil: such cards often fail the leak test.
        boolean leaks = random.nextDouble() < (overheated ? 0.3 : 0.003);
        if (leaks) {
            rejected++;
        } else {
            produced++;
        }
        out.add(new Reading(subjects.quality("seal-integrity"), JsonPayload.object()
                .text("result", leaks ? "fail" : "pass").text("batchId", context.batchId()).build()));
    }

    private double zoneTemperature(int zone, double setpoint) {
        // Mean-reverting random walk: the controller pulls the plate back, disturbances push it away.
        drift[zone] += random.nextGaussian() * 0.05 - drift[zone] * 0.02;
        drift[zone] = Math.max(-MAX_DRIFT_C, Math.min(MAX_DRIFT_C, drift[zone]));
        if (excursionCyclesLeft[zone] == 0 && random.nextDouble() < EXCURSION_PROBABILITY) {
            excursionCyclesLeft[zone] = 3 + random.nextInt(6);
            excursionOffset[zone] = 6.0 + random.nextDouble() * 2.5;
        }
        double excursion = 0;
        if (excursionCyclesLeft[zone] > 0) {
            excursionCyclesLeft[zone]--;
            excursion = excursionOffset[zone];
        }
        return setpoint + drift[zone] + excursion + random.nextGaussian() * 0.2;
    }
}
