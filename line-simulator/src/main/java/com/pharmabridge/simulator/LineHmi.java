package com.pharmabridge.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.sdk.DeviceClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A line's HMI (the operator station or MES client): it runs the line's batches one after another. For each batch
 * it publishes {@code batch.{batchId}.start}, commands the machines to start (downstream first, as operators do),
 * changes the sealing setpoint a quarter of the way in, takes the check-weigher out for calibration half way, holds
 * the batch for an in-process check and releases it, and at the end stops every machine, collects their counters
 * and publishes {@code batch.{batchId}.complete} with the reconciliation. Commands are Requests answered by the
 * machines; a machine that does not answer (an outage) or refuses (a fault) is commanded again each simulated
 * minute until it is in the state the batch needs.
 * <p>
 * Runs on the simulator's event loop thread; waits for each command's answer, so a line's commands keep their
 * order.
 */
final class LineHmi {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(3);
    static final Duration RECHECK = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(LineHmi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter BATCH_TIME = DateTimeFormatter.ofPattern("yyMMdd-HHmm")
            .withZone(ZoneOffset.UTC);

    private final SimulatedDevice hmi;
    private final int lineNumber;
    private final LineDescription.Line line;
    private final LineState lineState;
    private final SimClock clock;
    private final EventLoop loop;
    private final SimulatorCounters counters;
    private final List<SimulatedMachine> machines; // downstream first
    private final Map<String, MachineState> wanted = new HashMap<>();
    private final Map<String, JsonNode> lastAnswer = new HashMap<>();
    private DevicePublisher publisher;
    private String batchId;
    private boolean batchOpen;
    private boolean held;
    private double setpoint = BlisterSealerGenerator.SETPOINT_C;

    LineHmi(SimulatedDevice hmi, LineDescription.Line line, int lineNumber, LineState lineState, SimClock clock,
            EventLoop loop, SimulatorCounters counters, List<SimulatedMachine> machines) {
        this.lineNumber = lineNumber;
        this.hmi = hmi;
        this.line = line;
        this.lineState = lineState;
        this.clock = clock;
        this.loop = loop;
        this.counters = counters;
        // Start the end of the line first, so nothing upstream feeds a machine that is not running yet.
        this.machines = machines.stream().sorted((a, b) -> Integer.compare(downstreamRank(a), downstreamRank(b)))
                .toList();
    }

    SimulatedDevice device() {
        return hmi;
    }

    DevicePublisher publisher() {
        return publisher;
    }

    void attach(DevicePublisher publisher) {
        this.publisher = publisher;
        publisher.client().subscribe("alerts." + line.plant() + "." + line.id() + ".>",
                message -> counters.alertsSeenByHmi.increment());
    }

    /** Puts the first batch and the periodic check on the timeline. */
    void begin(Instant start) {
        loop.at(start, this::startBatch);
        loop.at(start.plus(RECHECK), this::recheck);
    }

    private void startBatch() {
        Instant now = clock.now();
        LineDescription.BatchPlan plan = line.batches();
        // Short enough to be the GS1 lot (at most 20 characters); the start event names plant and line.
        batchId = plan.prefix() + "-" + BATCH_TIME.format(now) + "-" + lineNumber;
        lineState.batchId(batchId);
        batchOpen = true;
        held = false;
        publishBatch("start", JsonPayload.object().text("batchId", batchId).text("product", line.product().name())
                .text("gtin", line.product().gtin()).text("lot", batchId).text("plant", line.plant())
                .text("line", line.id()).integer("quantity", plan.plannedQuantity()).text("operator", hmi.deviceId())
                .raw("idealRatePerMinute", idealCartonsPerMinute()));
        counters.batchesStarted.increment();
        LOG.info("{} started batch {}", hmi.deviceId(), batchId);
        for (SimulatedMachine machine : machines) {
            want(machine, MachineState.RUNNING);
        }
        Duration d = plan.duration();
        String thisBatch = batchId;
        loop.at(now.plus(d.dividedBy(4)), () -> ifStill(thisBatch, this::changeSetpoint));
        loop.at(now.plus(d.dividedBy(2)), () -> ifStill(thisBatch, this::calibrateCheckweigher));
        Duration holdAt = d.multipliedBy(3).dividedBy(5);
        Duration holdFor = min(Duration.ofMinutes(15), d.dividedBy(10));
        loop.at(now.plus(holdAt), () -> ifStill(thisBatch, this::hold));
        loop.at(now.plus(holdAt).plus(holdFor), () -> ifStill(thisBatch, this::release));
        loop.at(now.plus(d), () -> ifStill(thisBatch, this::completeBatch));
    }

    // The cartoner counts the line's output; at best it folds 14 cartons a cycle (CartonerGenerator).
    private String idealCartonsPerMinute() {
        for (SimulatedMachine machine : machines) {
            if (machine.device().equipment() == Equipment.CARTONER) {
                double perMinute = 14 * 60_000.0 / machine.cycleTime().toMillis();
                return java.math.BigDecimal.valueOf(perMinute).setScale(1, java.math.RoundingMode.HALF_UP).toPlainString();
            }
        }
        return "null";
    }

    private void changeSetpoint() {
        setpoint = setpoint == BlisterSealerGenerator.SETPOINT_C ? setpoint + 2 : BlisterSealerGenerator.SETPOINT_C;
        for (SimulatedMachine machine : machines) {
            if (machine.device().equipment() == Equipment.BLISTER_SEALER) {
                command(machine, "setpoint", JsonPayload.object().text("command", "setpoint")
                        .number("value", setpoint, 1).text("unit", "C").text("operator", hmi.deviceId()).build());
            }
        }
    }

    // A check-weigher is calibrated with its line stopped: stop, calibrate, then run again once it is done.
    private void calibrateCheckweigher() {
        for (SimulatedMachine machine : machines) {
            if (machine.device().equipment() != Equipment.CASE_PACKER) {
                continue;
            }
            want(machine, MachineState.STOPPED);
            JsonNode answer = command(machine, "calibrate", simpleCommand("calibrate"));
            if (answer != null && answer.path("accepted").asBoolean()) {
                wanted.put(machine.device().deviceId(), MachineState.CALIBRATING);
                String thisBatch = batchId;
                loop.at(clock.now().plus(SimulatedMachine.CALIBRATION_TIME).plus(Duration.ofSeconds(30)),
                        () -> ifStill(thisBatch, () -> {
                            if (!held) {
                                want(machine, MachineState.RUNNING);
                            } else {
                                wanted.put(machine.device().deviceId(), MachineState.STOPPED);
                            }
                        }));
            }
        }
    }

    private void hold() {
        held = true;
        publishBatch("hold", JsonPayload.object().text("batchId", batchId).text("plant", line.plant())
                .text("line", line.id())
                .text("reason", "in-process control: AQL sample under review").text("operator", hmi.deviceId()));
        counters.holds.increment();
        for (SimulatedMachine machine : machines) {
            want(machine, MachineState.STOPPED);
        }
    }

    private void release() {
        held = false;
        publishBatch("release", JsonPayload.object().text("batchId", batchId).text("plant", line.plant())
                .text("line", line.id())
                .text("reason", "AQL sample accepted").text("operator", hmi.deviceId()));
        counters.releases.increment();
        for (SimulatedMachine machine : machines) {
            want(machine, MachineState.RUNNING);
        }
    }

    private void completeBatch() {
        long produced = Long.MAX_VALUE;
        long rejected = 0;
        JsonPayload counts = JsonPayload.object();
        for (SimulatedMachine machine : machines) {
            want(machine, MachineState.STOPPED);
            JsonNode last = lastAnswer.get(machine.device().deviceId());
            long good = last == null ? 0 : last.path("produced").asLong();
            long bad = last == null ? 0 : last.path("rejected").asLong();
            counts.raw(machine.device().deviceId(), JsonPayload.object().integer("produced", good)
                    .integer("rejected", bad).build());
            // The line's output is what its counting station, the cartoner, passed as good cartons.
            if (machine.device().equipment() == Equipment.CARTONER) {
                produced = Math.min(produced, good);
            }
            rejected += bad;
        }
        publishBatch("complete", JsonPayload.object().text("batchId", batchId).text("plant", line.plant())
                .text("line", line.id())
                .integer("quantity", produced == Long.MAX_VALUE ? 0 : produced).integer("rejected", rejected)
                .raw("counters", counts.build()).text("operator", hmi.deviceId()));
        counters.batchesCompleted.increment();
        LOG.info("{} completed batch {}", hmi.deviceId(), batchId);
        batchOpen = false;
        loop.at(clock.now().plus(line.batches().changeover()), this::startBatch);
    }

    // Each simulated minute: command again every machine not in the state the batch needs.
    private void recheck() {
        for (SimulatedMachine machine : machines) {
            MachineState target = wanted.get(machine.device().deviceId());
            if (target == MachineState.RUNNING || target == MachineState.STOPPED) {
                JsonNode last = lastAnswer.get(machine.device().deviceId());
                String known = last == null ? null : last.path("state").asText(null);
                if (!target.wireName().equals(known)) {
                    want(machine, target);
                }
            }
        }
        loop.at(clock.now().plus(RECHECK), this::recheck);
    }

    private void want(SimulatedMachine machine, MachineState target) {
        wanted.put(machine.device().deviceId(), target);
        command(machine, target == MachineState.RUNNING ? "start" : "stop",
                simpleCommand(target == MachineState.RUNNING ? "start" : "stop"));
    }

    private String simpleCommand(String command) {
        return JsonPayload.object().text("command", command).text("operator", hmi.deviceId())
                .text("batchId", batchId).text("time", DevicePublisher.format(clock.now())).build();
    }

    /** Sends one command as a Request and waits for the machine's answer; {@code null} when none came. */
    private JsonNode command(SimulatedMachine machine, String command, String payload) {
        DeviceClient client = publisher.client();
        String subject = "commands." + line.id() + "." + machine.device().deviceId() + "." + command;
        counters.commandsSent.increment();
        try {
            String reply = client.request(subject, payload, COMMAND_TIMEOUT)
                    .get(COMMAND_TIMEOUT.toMillis() + 3_000, TimeUnit.MILLISECONDS);
            JsonNode answer = JSON.readTree(reply);
            if (answer.path("accepted").asBoolean(false)) {
                counters.commandsAccepted.increment();
            } else {
                counters.commandsRefused.increment();
                LOG.info("{}: {} refused {}: {}", hmi.deviceId(), machine.device().deviceId(), command,
                        answer.path("reason").asText());
            }
            lastAnswer.put(machine.device().deviceId(), answer);
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | IOException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            LOG.info("{}: no answer from {} to {} ({}); trying again within a simulated minute", hmi.deviceId(),
                    machine.device().deviceId(), command, cause.getMessage());
        }
        counters.commandsUnanswered.increment();
        lastAnswer.remove(machine.device().deviceId());
        return null;
    }

    private void publishBatch(String event, JsonPayload payload) {
        publisher.publish(new Reading("batch." + batchId + "." + event, payload.build()), clock.now());
    }

    private void ifStill(String batch, Runnable action) {
        if (batchOpen && batch.equals(batchId)) {
            action.run();
        }
    }

    private static int downstreamRank(SimulatedMachine machine) {
        return switch (machine.device().equipment()) {
            case CASE_PACKER -> 0;
            case SERIALIZATION -> 1;
            case CARTONER -> 2;
            case BLISTER_SEALER -> 3;
        };
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
