package com.pharmabridge.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.sdk.IncomingMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated machine: a state ({@link MachineState}) that the line's HMI commands and its own faults change, and
 * a data generator that reports a cycle of readings each time the event loop calls {@link #cycle()} while it runs.
 * Commands arrive on {@code commands.{line}.{deviceId}.{command}} (and {@code commands.{line}.{equipment}.{command}}
 * for all machines of a kind) and are answered with a Reply saying whether they were accepted and the state after
 * them. Every state change is published on {@code events.{line}.{equipment}.state}; faults also raise an alert.
 * <p>
 * The event loop and the SDK's receiving thread both reach a machine: its state is guarded by its monitor.
 */
final class SimulatedMachine implements MachineContext {
    static final Duration CALIBRATION_TIME = Duration.ofMinutes(2);
    static final double MIN_SETPOINT_C = 150;
    static final double MAX_SETPOINT_C = 220;
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedMachine.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimulatedDevice device;
    private final LineDescription.Machine spec;
    private final LineState line;
    private final SimClock clock;
    private final CycleGenerator generator;
    private final SplittableRandom faults;
    private final SubjectHierarchy subjects;
    private final SimulatorCounters counters;
    private DevicePublisher publisher; // set once before the run starts

    // Guarded by this.
    private MachineState state = MachineState.STOPPED;
    private double setpoint = BlisterSealerGenerator.SETPOINT_C;
    private Instant faultClearsAt;
    private Instant calibrationEndsAt;
    private String countedBatch;
    private final List<Reading> cycleReadings = new ArrayList<>();

    SimulatedMachine(SimulatedDevice device, LineDescription.Machine spec, LineState line, SimClock clock,
                     SplittableRandom random, String gtin, SimulatorCounters counters) {
        this.device = device;
        this.spec = spec;
        this.line = line;
        this.clock = clock;
        this.counters = counters;
        // Faults draw from their own stream: commands and outages then cannot change the data a seed gives.
        this.faults = random.split();
        this.generator = TelemetryGenerators.forDevice(device, this, random,
                java.time.LocalDate.ofInstant(clock.now(), java.time.ZoneOffset.UTC), gtin);
        this.subjects = new SubjectHierarchy(device);
    }

    SimulatedDevice device() {
        return device;
    }

    Duration cycleTime() {
        return spec.cycle();
    }

    DevicePublisher publisher() {
        return publisher;
    }

    /** Connects the machine to its client: subscribes to its commands. */
    void attach(DevicePublisher publisher) {
        this.publisher = publisher;
        String prefix = "commands." + device.line() + ".";
        publisher.client().subscribe(prefix + device.deviceId() + ".>", this::onCommand);
        if (!device.deviceId().equals(device.equipment().subjectToken())) {
            publisher.client().subscribe(prefix + device.equipment().subjectToken() + ".>", this::onCommand);
        }
    }

    synchronized MachineState state() {
        return state;
    }

    // ---- MachineContext, read by the generator during cycle() ----

    @Override
    public String batchId() {
        String batch = line.batchId();
        return batch == null ? "none" : batch;
    }

    @Override
    public Instant time() {
        return clock.now();
    }

    @Override
    public synchronized double setpoint() {
        return setpoint;
    }

    /** One cycle of simulated time: runs, faults, recovers or finishes calibrating. Called by the event loop. */
    synchronized void cycle() {
        Instant now = clock.now();
        switch (state) {
            case RUNNING -> {
                if (faults.nextDouble() < faultProbability()) {
                    String reason = faultReason();
                    faultClearsAt = now.plus(spec.cycle().multipliedBy(5 + faults.nextInt(16)));
                    change(MachineState.FAULT, reason);
                    publisher.publish(new Reading(subjects.alert("machine-fault"), JsonPayload.object()
                            .text("severity", "medium").text("equipment", device.equipment().subjectToken())
                            .text("deviceId", device.deviceId()).text("reason", reason).text("batchId", batchId())
                            .build()), now);
                    return;
                }
                cycleReadings.clear();
                generator.nextCycle(cycleReadings);
                for (Reading reading : cycleReadings) {
                    publisher.publish(reading, now);
                }
            }
            case FAULT -> {
                if (!now.isBefore(faultClearsAt)) {
                    change(MachineState.RUNNING, "fault cleared");
                }
            }
            case CALIBRATING -> {
                if (!now.isBefore(calibrationEndsAt)) {
                    publisher.publish(new Reading(subjects.quality("calibration"), JsonPayload.object()
                            .text("result", "pass").text("batchId", batchId()).build()), now);
                    change(MachineState.STOPPED, "calibration done");
                }
            }
            case STOPPED -> {
                // idle
            }
        }
    }

    private void onCommand(IncomingMessage message) {
        String subject = message.subject();
        String command = subject.substring(subject.lastIndexOf('.') + 1);
        JsonNode payload;
        try {
            payload = JSON.readTree(message.payload());
        } catch (IOException e) {
            payload = JSON.createObjectNode();
        }
        String from = message.deviceId() == null ? "unknown" : message.deviceId();
        String answer;
        synchronized (this) {
            answer = apply(command, payload, from);
        }
        if (message.expectsReply()) {
            message.reply(answer);
        }
    }

    // Returns the Reply: accepted or not, why not, and the state after the command.
    private String apply(String command, JsonNode payload, String from) {
        String refusal = null;
        String reason = "command " + command + " from " + from;
        switch (command) {
            case "start" -> {
                if (state == MachineState.FAULT || state == MachineState.CALIBRATING) {
                    refusal = "cannot start while " + state.wireName();
                } else {
                    if (!batchId().equals(countedBatch)) {
                        countedBatch = batchId(); // unit counters start from zero for each batch
                        generator.resetCounts();
                    }
                    change(MachineState.RUNNING, reason);
                }
            }
            case "stop" -> change(MachineState.STOPPED, reason);
            case "calibrate" -> {
                if (state != MachineState.STOPPED) {
                    refusal = "stop the machine before calibrating (it is " + state.wireName() + ")";
                } else {
                    calibrationEndsAt = clock.now().plus(CALIBRATION_TIME);
                    change(MachineState.CALIBRATING, reason);
                }
            }
            case "setpoint" -> {
                JsonNode value = payload.path("value");
                if (device.equipment() != Equipment.BLISTER_SEALER) {
                    refusal = "a " + device.equipment().subjectToken() + " has no setpoint";
                } else if (!value.isNumber() || value.asDouble() < MIN_SETPOINT_C || value.asDouble() > MAX_SETPOINT_C) {
                    refusal = "setpoint must be a number from " + MIN_SETPOINT_C + " to " + MAX_SETPOINT_C;
                } else {
                    setpoint = value.asDouble();
                    publisher.publish(new Reading(subjects.event("setpoint"), JsonPayload.object()
                            .number("setpoint", setpoint, 1).text("unit", "C").text("by", from)
                            .text("batchId", batchId()).build()), clock.now());
                }
            }
            case "status" -> {
                // answered below
            }
            default -> refusal = "unknown command '" + command + "' (start, stop, calibrate, setpoint, status)";
        }
        if (refusal == null && !"status".equals(command)) {
            counters.commandsObeyed.increment();
        }
        JsonPayload answer = JsonPayload.object().bool("accepted", refusal == null);
        if (refusal != null) {
            answer.text("reason", refusal);
            LOG.debug("{} refused {}: {}", device.deviceId(), command, refusal);
        }
        return answer.text("state", state.wireName()).number("setpoint", setpoint, 1)
                .integer("produced", generator.produced()).integer("rejected", generator.rejected()).build();
    }

    private void change(MachineState next, String reason) {
        MachineState previous = state;
        if (previous == next) {
            return;
        }
        state = next;
        publisher.publish(new Reading(subjects.event("state"), JsonPayload.object()
                .text("state", next.wireName()).text("previous", previous.wireName()).text("reason", reason)
                .text("batchId", batchId()).build()), clock.now());
    }

    private double faultProbability() {
        // The cartoner's carton magazine and leaflet feeder jam far more often than anything else on a line.
        return device.equipment() == Equipment.CARTONER ? 0.004 : 0.0008;
    }

    private String faultReason() {
        List<String> reasons = switch (device.equipment()) {
            case BLISTER_SEALER -> List.of("foil-break", "forming-station-overtemperature");
            case CARTONER -> List.of("carton-jam", "leaflet-feeder-empty", "glue-low");
            case CASE_PACKER -> List.of("case-erector-jam", "tape-empty");
            case SERIALIZATION -> List.of("printer-ribbon-out", "camera-lighting-fault");
        };
        return reasons.get(faults.nextInt(reasons.size()));
    }
}
