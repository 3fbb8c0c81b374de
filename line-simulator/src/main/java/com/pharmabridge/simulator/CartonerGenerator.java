package com.pharmabridge.simulator;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A cartoner: folds cartons around blister cards. It reports its cumulative good-carton count every cycle, each
 * rejected carton with the reason its photo-eyes found, and its machine state whenever that changes (short stops and
 * rarer faults, after which it runs again).
 */
final class CartonerGenerator extends CycleGenerator {
    static final List<String> REJECT_REASONS = List.of("missing-leaflet", "open-flap", "no-product");

    enum State {
        RUNNING, STOPPED, FAULT;

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final SubjectHierarchy subjects;
    private final String batchId;
    private final RandomGenerator random;
    private long count;
    private State state = State.RUNNING;
    private State reportedState;
    private int cyclesUntilRunning;

    CartonerGenerator(SimulatedDevice device, String batchId, RandomGenerator random) {
        this.subjects = new SubjectHierarchy(device);
        this.batchId = batchId;
        this.random = random;
    }

    @Override
    protected void nextCycle(List<Reading> out) {
        advanceState();
        if (state != reportedState) {
            reportedState = state;
            out.add(new Reading(subjects.factory("state"), JsonPayload.object()
                    .text("value", state.wireName()).text("batchId", batchId).build()));
        }
        if (state == State.RUNNING) {
            count += 8 + random.nextInt(7);
            if (random.nextDouble() < 0.05) {
                out.add(new Reading(subjects.factory("reject"), JsonPayload.object()
                        .integer("value", 1).text("reason", rejectReason()).text("batchId", batchId).build()));
            }
        }
        out.add(new Reading(subjects.factory("count"), JsonPayload.object()
                .integer("value", count).text("unit", "cartons").text("batchId", batchId).build()));
    }

    private void advanceState() {
        if (state != State.RUNNING) {
            if (--cyclesUntilRunning <= 0) {
                state = State.RUNNING;
            }
            return;
        }
        double roll = random.nextDouble();
        if (roll < 0.003) {
            state = State.FAULT;
            cyclesUntilRunning = 5 + random.nextInt(11);
        } else if (roll < 0.013) {
            state = State.STOPPED;
            cyclesUntilRunning = 3 + random.nextInt(8);
        }
    }

    // Missing leaflets dominate in practice: the leaflet feeder is the least reliable station.
    private String rejectReason() {
        double roll = random.nextDouble();
        return REJECT_REASONS.get(roll < 0.5 ? 0 : roll < 0.85 ? 1 : 2);
    }
}
