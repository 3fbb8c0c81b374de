package com.pharmabridge.simulator;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A case packer with a check-weigher: every shipping case is weighed against its target. Weights scatter around the
 * target; now and then a case is short of a carton. Cases outside the tolerance are rejected and reported as a failed
 * weight check.
 */
final class CasePackerGenerator extends CycleGenerator {
    static final double TARGET_KG = 12.5;
    static final double TOLERANCE_KG = 0.25;
    private static final double CARTON_KG = 0.52;

    private final SubjectHierarchy subjects;
    private final MachineContext context;
    private final RandomGenerator random;
    private long caseNumber;

    CasePackerGenerator(SimulatedDevice device, MachineContext context, RandomGenerator random) {
        this.subjects = new SubjectHierarchy(device);
        this.context = context;
        this.random = random;
    }

    @Override
    protected void nextCycle(List<Reading> out) {
        caseNumber++;
        double weight = TARGET_KG + random.nextGaussian() * 0.08;
        if (random.nextDouble() < 0.01) {
            weight -= CARTON_KG * (1 + random.nextInt(2));
        }
        weight = JsonPayload.round(weight, 3);
        boolean accepted = Math.abs(weight - TARGET_KG) <= TOLERANCE_KG;
        if (accepted) {
            produced++;
        } else {
            rejected++;
        }
        out.add(new Reading(subjects.factory("weight"), JsonPayload.object()
                .number("value", weight, 3).text("unit", "kg").number("target", TARGET_KG, 2)
                .number("tolerance", TOLERANCE_KG, 2).bool("accepted", accepted).integer("case", caseNumber)
                .text("batchId", context.batchId()).build()));
        if (!accepted) {
            out.add(new Reading(subjects.quality("weight-check"), JsonPayload.object()
                    .text("result", "fail").number("value", weight, 3).number("target", TARGET_KG, 2)
                    .number("tolerance", TOLERANCE_KG, 2).integer("case", caseNumber).text("batchId", context.batchId())
                    .build()));
        }
    }
}
