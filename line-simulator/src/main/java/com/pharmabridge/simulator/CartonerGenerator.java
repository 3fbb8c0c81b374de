package com.pharmabridge.simulator;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A cartoner: folds cartons around blister cards. While it runs it reports its cumulative good-carton count every
 * cycle and each rejected carton with the reason its photo-eyes found (also as a failed carton inspection). Its stops
 * and faults are the machine's states ({@link SimulatedMachine}), reported as events.
 */
final class CartonerGenerator extends CycleGenerator {
    static final List<String> REJECT_REASONS = List.of("missing-leaflet", "open-flap", "no-product");

    private final SubjectHierarchy subjects;
    private final MachineContext context;
    private final RandomGenerator random;
    private long count;

    CartonerGenerator(SimulatedDevice device, MachineContext context, RandomGenerator random) {
        this.subjects = new SubjectHierarchy(device);
        this.context = context;
        this.random = random;
    }

    @Override
    protected void nextCycle(List<Reading> out) {
        int cartons = 8 + random.nextInt(7);
        count += cartons;
        produced += cartons;
        if (random.nextDouble() < 0.05) {
            rejected++;
            String reason = rejectReason();
            out.add(new Reading(subjects.factory("reject"), JsonPayload.object()
                    .integer("value", 1).text("reason", reason).text("batchId", context.batchId()).build()));
            // The photo-eye check that found it is an inspection: its verdict is a quality record.
            out.add(new Reading(subjects.quality("carton-inspection"), JsonPayload.object()
                    .text("result", "fail").text("reason", reason).text("batchId", context.batchId()).build()));
        }
        out.add(new Reading(subjects.factory("count"), JsonPayload.object()
                .integer("value", count).text("unit", "cartons").text("batchId", context.batchId()).build()));
    }

    /** A new batch starts counting from zero: reconciliation compares each batch's own count. */
    @Override
    void resetCounts() {
        super.resetCounts();
        count = 0;
    }

    // Missing leaflets dominate in practice: the leaflet feeder is the least reliable station.
    private String rejectReason() {
        double roll = random.nextDouble();
        return REJECT_REASONS.get(roll < 0.5 ? 0 : roll < 0.85 ? 1 : 2);
    }
}
