package com.pharmabridge.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What to simulate: plants, their lines and machines, the batches each line packs, how fast simulated time runs, and
 * planned network outages. Usually read from YAML by {@link LineDescriptionLoader}; see
 * {@code line-simulator/src/main/resources/lines/example.yaml} for every key.
 *
 * @param seed         seed of all simulated data: the same description and seed give the same readings
 * @param speed        simulated seconds per real second; {@link Double#POSITIVE_INFINITY} runs as fast as the gateway
 *                     acknowledges
 * @param duration     simulated time to run, e.g. one shift; {@code null} runs until stopped
 * @param start        simulated time at which the run starts; {@code null} for the real time at start
 * @param offlineStore where each device keeps what it has not yet had acknowledged
 * @param plants       at least one plant
 * @param outages      network outages to play, in simulated time from the start
 */
public record LineDescription(long seed, double speed, Duration duration, Instant start, OfflineStoreKind offlineStore,
                              List<Plant> plants, List<Outage> outages) {

    /** Where a simulated device keeps its unacknowledged publishes. */
    public enum OfflineStoreKind {
        /** A SQLite file per device in the simulator's data directory: survives a restart of the simulator. */
        DISK,
        /** In memory: lost when the simulator stops. */
        MEMORY
    }

    public LineDescription {
        if (!(speed > 0)) {
            throw new IllegalArgumentException("speed must be more than 0: " + speed);
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("duration must be positive: " + duration);
        }
        Objects.requireNonNull(offlineStore, "offlineStore");
        plants = List.copyOf(plants);
        outages = List.copyOf(outages);
        if (plants.isEmpty()) {
            throw new IllegalArgumentException("at least one plant is required");
        }
        Set<String> ids = new HashSet<>();
        Set<String> lineIds = new HashSet<>();
        for (Plant plant : plants) {
            for (Line line : plant.lines()) {
                // Commands, events and quality subjects name the line but not the plant (the seed's hierarchy).
                if (!lineIds.add(line.id())) {
                    throw new IllegalArgumentException("line id used twice: " + line.id() + " (commands, events and "
                            + "quality subjects carry the line without its plant, so line ids must be unique)");
                }
                for (String id : line.deviceIds()) {
                    if (!ids.add(id)) {
                        throw new IllegalArgumentException("device id used twice: " + id
                                + " (give machines and HMIs distinct ids)");
                    }
                }
            }
        }
        for (Outage outage : outages) {
            if (!ids.contains(outage.deviceId())) {
                throw new IllegalArgumentException("outage of an unknown device: " + outage.deviceId());
            }
        }
    }

    /** @return {@code true} when simulated time runs as fast as the gateway acknowledges */
    public boolean asFastAsPossible() {
        return Double.isInfinite(speed);
    }

    /** @return every line of every plant */
    public List<Line> lines() {
        List<Line> all = new ArrayList<>();
        plants.forEach(plant -> all.addAll(plant.lines()));
        return all;
    }

    /** @return the ids of every machine and HMI, in description order */
    public List<String> deviceIds() {
        List<String> ids = new ArrayList<>();
        lines().forEach(line -> ids.addAll(line.deviceIds()));
        return ids;
    }

    /**
     * The demo's line: one machine of each kind and an HMI per line, batches of two hours.
     *
     * @param plant plant token
     * @param lines number of lines, named {@code line1}, {@code line2}, …
     * @param speed simulated seconds per real second
     */
    public static LineDescription standard(String plant, int lines, double speed, long seed) {
        List<Line> all = new ArrayList<>();
        for (int l = 1; l <= lines; l++) {
            String lineId = "line" + l;
            List<Machine> machines = new ArrayList<>();
            for (Equipment equipment : Equipment.values()) {
                machines.add(new Machine(equipment.subjectToken() + "-" + lineId + "-01", equipment,
                        Machine.defaultCycle(equipment)));
            }
            all.add(new Line(plant, lineId, Product.DEFAULT, BatchPlan.DEFAULT, "hmi-" + lineId, machines));
        }
        return new LineDescription(seed, speed, null, null, OfflineStoreKind.DISK, List.of(new Plant(plant, all)),
                List.of());
    }

    /** A plant and its lines. */
    public record Plant(String id, List<Line> lines) {
        public Plant {
            SimulatedDevice.requireSubjectToken(id, "plant id");
            lines = List.copyOf(lines);
            if (lines.isEmpty()) {
                throw new IllegalArgumentException("plant " + id + " has no lines");
            }
        }
    }

    /**
     * One packaging line.
     *
     * @param plant    the plant token
     * @param id       the line token, e.g. {@code line1}
     * @param product  what the line packs
     * @param batches  how batches follow one another
     * @param hmiId    device id of the line's HMI, which starts batches and commands the machines
     * @param machines the machines, at least one
     */
    public record Line(String plant, String id, Product product, BatchPlan batches, String hmiId,
                       List<Machine> machines) {
        public Line {
            SimulatedDevice.requireSubjectToken(id, "line id");
            Objects.requireNonNull(product, "product");
            Objects.requireNonNull(batches, "batches");
            SimulatedDevice.requireText(hmiId, "hmi id");
            machines = List.copyOf(machines);
            if (machines.isEmpty()) {
                throw new IllegalArgumentException("line " + id + " has no machines");
            }
        }

        List<String> deviceIds() {
            List<String> ids = new ArrayList<>();
            ids.add(hmiId);
            machines.forEach(m -> ids.add(m.id()));
            return ids;
        }
    }

    /**
     * A machine of a line.
     *
     * @param id        its device id
     * @param equipment what kind of machine
     * @param cycle     simulated time between two reporting cycles while it runs
     */
    public record Machine(String id, Equipment equipment, Duration cycle) {
        public Machine {
            SimulatedDevice.requireText(id, "machine id");
            Objects.requireNonNull(equipment, "equipment");
            if (cycle == null || cycle.isNegative() || cycle.isZero()) {
                throw new IllegalArgumentException("machine " + id + ": cycle must be positive");
            }
        }

        /** A blister sealer reports every few seconds, a case packer once per case. */
        public static Duration defaultCycle(Equipment equipment) {
            return switch (equipment) {
                case BLISTER_SEALER, CARTONER -> Duration.ofSeconds(2);
                case SERIALIZATION -> Duration.ofSeconds(1);
                case CASE_PACKER -> Duration.ofSeconds(6);
            };
        }
    }

    /**
     * The product a line packs.
     *
     * @param name display name, carried in batch events
     * @param gtin GTIN-14 printed by serialization, with a valid check digit
     */
    public record Product(String name, String gtin) {
        public static final Product DEFAULT = new Product("Amoxicillin 500 mg capsules, 2 x 10 blister", "05012345678900");

        public Product {
            SimulatedDevice.requireText(name, "product name");
            if (!Gs1.isValidGtin(gtin)) {
                throw new IllegalArgumentException("product gtin is not a GTIN-14 with a valid check digit: " + gtin);
            }
        }
    }

    /**
     * How a line's batches follow one another: each runs {@code duration}, then the line changes over for
     * {@code changeover} before the next starts.
     *
     * @param prefix          first part of every batch id, 1 to 4 letters or digits: batch ids are
     *                        {@code {prefix}-{yyMMdd}-{HHmm}-{n}} (simulated start, n = the line's number in the
     *                        description), at most 20 characters, because the batch id is printed as the GS1 lot
     * @param duration        simulated production time of one batch
     * @param changeover      simulated time between two batches
     * @param plannedQuantity units planned per batch, carried in the start event
     */
    public record BatchPlan(String prefix, Duration duration, Duration changeover, long plannedQuantity) {
        public static final BatchPlan DEFAULT = new BatchPlan("B26", Duration.ofHours(2), Duration.ofMinutes(10),
                20_000);

        public BatchPlan {
            if (prefix == null || !prefix.matches("[A-Za-z0-9]{1,4}")) {
                throw new IllegalArgumentException("batch prefix must be 1 to 4 letters or digits (the batch id is the "
                        + "GS1 lot, at most 20 characters): " + prefix);
            }
            if (duration == null || duration.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("batch duration must be at least one minute: " + duration);
            }
            if (changeover == null || changeover.isNegative()) {
                throw new IllegalArgumentException("changeover must not be negative: " + changeover);
            }
            if (plannedQuantity < 0) {
                throw new IllegalArgumentException("plannedQuantity must not be negative");
            }
        }
    }

    /**
     * A network outage of one device: its connection is cut and reconnecting fails until the outage ends.
     *
     * @param deviceId the device
     * @param at       simulated time from the start of the run
     * @param duration simulated length of the outage
     */
    public record Outage(String deviceId, Duration at, Duration duration) {
        public Outage {
            SimulatedDevice.requireText(deviceId, "outage device");
            if (at == null || at.isNegative() || duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("outage of " + deviceId + ": at must be >= 0 and duration > 0");
            }
        }
    }
}
