package com.pharmabridge.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.StoredMessages;
import com.pharmabridge.simulator.testing.SimulatedLineGateway;
import io.nats.client.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A simulated eight-hour shift of two lines in two plants at full speed, through a real gateway into a real
 * nats-server, with a network outage of one machine in the middle. Then reads back what JetStream holds.
 */
class SimulatedShiftTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHIFT = """
            seed: 7
            speed: max
            duration: 8h
            start: 2026-01-15T06:00:00Z
            offlineStore: disk
            plants:
              - id: chicago
                lines:
                  - id: line1
                    batches: {prefix: B26, duration: 3h, changeover: 15m, plannedQuantity: 12000}
                    machines:
                      - {type: blister-sealer, cycle: 60s}
                      - {type: cartoner, cycle: 60s}
                      - {type: serialization, cycle: 30s}
                      - {type: case-packer, cycle: 120s}
              - id: leiden
                lines:
                  - id: line2
                    product: {name: "Metformin 850 mg", gtin: "05012345678917"}
                    batches: {prefix: B26, duration: 3h, changeover: 15m, plannedQuantity: 12000}
                    machines:
                      - {type: blister-sealer, cycle: 60s}
                      - {type: cartoner, cycle: 60s}
                      - {type: serialization, cycle: 30s}
                      - {type: case-packer, cycle: 120s}
            outages:
              - {device: cartoner-line1-01, at: 1h, for: 20m}
            """;
    private static final List<String> DATA_STREAMS = List.of("TELEMETRY", "EVENTS", "ALERTS", "QUALITY", "BATCHES");

    @Test
    void aShiftAtFullSpeedStoresEveryStreamOnceInOrderWithValidCodesBatchesAndObeyedCommands(@TempDir Path data)
            throws Exception {
        LineDescription shift = LineDescriptionLoader.parse(SHIFT);
        try (NatsFixture nats = NatsFixture.start();
             GatewayFixture gateway = SimulatedLineGateway.start(nats, shift)) {
            Map<String, String> tokens = SimulatedLineGateway.tokens(gateway, shift);
            LineSimulator.Totals totals;
            try (LineSimulator simulator = LineSimulator.start(gateway.wsUri(), shift, tokens, data)) {
                assertThat(simulator.awaitAllAcknowledged(Duration.ofMinutes(4)))
                        .as("shift simulated and acknowledged; now %s", simulator.totals()).isTrue();
                totals = simulator.totals();
                assertThat(simulator.simulatedTime()).isEqualTo(Instant.parse("2026-01-15T14:00:00Z"));
            }
            System.out.println("SHIFT " + totals);
            assertThat(totals.refused()).isZero();
            assertThat(totals.outages()).isEqualTo(1);

            Map<String, List<Message>> stored = new LinkedHashMap<>();
            for (String stream : DATA_STREAMS) {
                stored.put(stream, StoredMessages.all(nats.observer(), subjectsOf(stream)));
                // Exactly once: every acknowledged message is there, and none twice (each publish has its own
                // correlation id, so a re-sent one would show as a repeated id). A state change a machine makes for
                // a command answered after the run ended may be stored after the totals were taken: at least, not equal.
                int acknowledged = totals.acknowledgedByStream().get(DataStream.valueOf(stream)).intValue();
                assertThat(stored.get(stream).size()).as(stream)
                        .isBetween(acknowledged, acknowledged + shift.deviceIds().size());
                List<String> ids = stored.get(stream).stream().map(m -> header(m, "Correlation-Id")).toList();
                assertThat(ids).as(stream + " correlation ids").doesNotContainNull().doesNotHaveDuplicates();
            }

            everyDeviceOnItsStreams(shift, stored);
            readingsTakenDuringTheOutageArrived(stored.get("TELEMETRY"));
            eachDeviceInOrderOfItsSimulatedTime(stored);
            gs1CodesAreValid(shift, stored.get("TELEMETRY"));
            batchesRunTheirWholeLifecycle(shift, stored.get("BATCHES"));
            commandsAreObeyed(shift, stored, totals);
        }
    }

    private static void everyDeviceOnItsStreams(LineDescription shift, Map<String, List<Message>> stored) {
        for (String stream : DATA_STREAMS) {
            assertThat(stored.get(stream)).as(stream).isNotEmpty().allSatisfy(m ->
                    assertThat(header(m, "Device-Id")).as("Device-Id of %s", m.getSubject()).isNotBlank());
        }
        for (LineDescription.Line line : shift.lines()) {
            for (LineDescription.Machine machine : line.machines()) {
                for (String stream : List.of("TELEMETRY", "EVENTS", "QUALITY")) {
                    assertThat(devices(stored.get(stream))).as("%s on %s", machine.id(), stream)
                            .contains(machine.id());
                }
            }
            assertThat(devices(stored.get("BATCHES"))).contains(line.hmiId());
        }
        assertThat(devices(stored.get("ALERTS"))).as("alerts from machines").isNotEmpty();
    }

    // The cartoner was cut off from 07:00 to 07:20: what it counted meanwhile waited in its offline store.
    private static void readingsTakenDuringTheOutageArrived(List<Message> telemetry) {
        Instant cut = Instant.parse("2026-01-15T07:00:00Z");
        Instant restored = Instant.parse("2026-01-15T07:20:00Z");
        long duringOutage = telemetry.stream()
                .filter(m -> "cartoner-line1-01".equals(header(m, "Device-Id")))
                .map(m -> Instant.parse(payload(m).path("time").asText()))
                .filter(t -> !t.isBefore(cut) && t.isBefore(restored))
                .count();
        assertThat(duringOutage).as("cartoner readings taken while its network was cut").isGreaterThanOrEqualTo(15);
    }

    // Within each device, readings were stored in the order they were taken, across the outage too.
    private static void eachDeviceInOrderOfItsSimulatedTime(Map<String, List<Message>> stored) {
        for (String stream : DATA_STREAMS) {
            Map<String, Instant> last = new HashMap<>();
            for (Message m : stored.get(stream)) {
                Instant time = Instant.parse(payload(m).path("time").asText());
                Instant previous = last.put(header(m, "Device-Id"), time);
                if (previous != null) {
                    assertThat(time).as("%s on %s", header(m, "Device-Id"), stream).isAfterOrEqualTo(previous);
                }
            }
        }
    }

    private static void gs1CodesAreValid(LineDescription shift, List<Message> telemetry) {
        Map<String, String> gtinOfLine = new HashMap<>();
        shift.lines().forEach(line -> gtinOfLine.put(line.id(), line.product().gtin()));
        Set<String> serials = new HashSet<>();
        int reads = 0;
        int unreadable = 0;
        for (Message m : telemetry) {
            if (!m.getSubject().endsWith(".serialization.read")) {
                continue;
            }
            reads++;
            JsonNode read = payload(m);
            String line = m.getSubject().split("\\.")[2];
            assertThat(Gs1.isValidGtin(read.path("gtin").asText())).as(read.toString()).isTrue();
            assertThat(read.path("gtin").asText()).isEqualTo(gtinOfLine.get(line));
            assertThat(read.path("lot").asText()).isEqualTo(read.path("batchId").asText()).startsWith("B26-");
            assertThat(read.path("expiry").asText()).matches("\\d{6}");
            assertThat(read.path("serial").asText()).matches("\\d{12}");
            assertThat(serials.add(line + "/" + read.path("serial").asText())).as("serial repeated").isTrue();
            unreadable += read.path("readable").asBoolean() ? 0 : 1;
        }
        assertThat(reads).isGreaterThan(1000);
        assertThat(unreadable).isLessThan(reads / 20);
    }

    private static void batchesRunTheirWholeLifecycle(LineDescription shift, List<Message> batches) {
        Map<String, List<String>> eventsOfBatch = new LinkedHashMap<>();
        Map<String, String> lineOfBatch = new HashMap<>();
        Map<String, JsonNode> completions = new HashMap<>();
        for (Message m : batches) {
            String[] tokens = m.getSubject().split("\\.");
            eventsOfBatch.computeIfAbsent(tokens[1], b -> new ArrayList<>()).add(tokens[2]);
            assertThat(payload(m).path("batchId").asText()).isEqualTo(tokens[1]);
            assertThat(tokens[1].length()).as("a batch id fits the GS1 lot").isLessThanOrEqualTo(20);
            if ("start".equals(tokens[2])) {
                lineOfBatch.put(tokens[1], payload(m).path("line").asText());
            }
            if ("complete".equals(tokens[2])) {
                completions.put(tokens[1], payload(m));
            }
        }
        for (LineDescription.Line line : shift.lines()) {
            List<String> ofLine = eventsOfBatch.keySet().stream()
                    .filter(b -> line.id().equals(lineOfBatch.get(b))).toList();
            // 8 h of 3 h batches with 15 min changeovers: two complete, the third started before the shift ended.
            assertThat(ofLine).as(line.id()).hasSize(3);
            assertThat(eventsOfBatch.get(ofLine.get(0))).containsExactly("start", "hold", "release", "complete");
            assertThat(eventsOfBatch.get(ofLine.get(1))).containsExactly("start", "hold", "release", "complete");
            assertThat(eventsOfBatch.get(ofLine.get(2))).containsExactly("start");
            JsonNode complete = completions.get(ofLine.get(0));
            assertThat(complete.path("quantity").asLong()).isPositive();
            assertThat(complete.path("counters").size()).isEqualTo(line.machines().size());
        }
    }

    private static void commandsAreObeyed(LineDescription shift, Map<String, List<Message>> stored,
                                          LineSimulator.Totals totals) {
        assertThat(totals.commandsSent()).isPositive();
        assertThat(totals.commandsObeyed()).isPositive();
        List<JsonNode> stateEvents = new ArrayList<>();
        for (Message m : stored.get("EVENTS")) {
            if (m.getSubject().endsWith(".state")) {
                JsonNode event = payload(m);
                ((com.fasterxml.jackson.databind.node.ObjectNode) event).put("deviceId", header(m, "Device-Id"));
                stateEvents.add(event);
            }
        }
        for (LineDescription.Line line : shift.lines()) {
            for (LineDescription.Machine machine : line.machines()) {
                List<String> reasons = stateEvents.stream()
                        .filter(e -> e.path("deviceId").asText().equals(machine.id()))
                        .map(e -> e.path("state").asText() + " " + e.path("reason").asText()).toList();
                assertThat(reasons).as(machine.id()).contains(
                        "running command start from " + line.hmiId(), "stopped command stop from " + line.hmiId());
                if (machine.equipment() == Equipment.CASE_PACKER) {
                    assertThat(reasons).contains("calibrating command calibrate from " + line.hmiId(),
                            "stopped calibration done");
                }
            }
        }
        // The setpoint command took effect: later temperatures are controlled around the new setpoint.
        long atNewSetpoint = stored.get("TELEMETRY").stream()
                .filter(m -> m.getSubject().endsWith(".blister-sealer.temperature"))
                .filter(m -> payload(m).path("setpoint").asDouble() == BlisterSealerGenerator.SETPOINT_C + 2)
                .count();
        assertThat(atNewSetpoint).isPositive();
        assertThat(stored.get("QUALITY").stream().filter(m -> m.getSubject().endsWith(".calibration")).count())
                .isEqualTo(shift.lines().size() * 2L);
    }

    private static Set<String> devices(List<Message> messages) {
        Set<String> ids = new HashSet<>();
        messages.forEach(m -> ids.add(header(m, "Device-Id")));
        return ids;
    }

    private static String subjectsOf(String stream) {
        return switch (stream) {
            case "TELEMETRY" -> "factory.>";
            case "EVENTS" -> "events.>";
            case "ALERTS" -> "alerts.>";
            case "QUALITY" -> "quality.>";
            default -> "batch.>";
        };
    }

    private static String header(Message m, String name) {
        return m.getHeaders() == null ? null : m.getHeaders().getFirst(name);
    }

    private static JsonNode payload(Message m) {
        try {
            return JSON.readTree(new String(m.getData(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + new String(m.getData(), StandardCharsets.UTF_8), e);
        }
    }
}
