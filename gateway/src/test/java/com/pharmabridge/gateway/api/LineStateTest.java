package com.pharmabridge.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The line view's picture built from stored messages, with OEE as the batch report defines it. */
class LineStateTest {
    private static final Instant T0 = Instant.parse("2026-01-15T06:00:00Z");

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String at(int minutes) {
        return "\"time\":\"" + T0.plus(Duration.ofMinutes(minutes)) + "\"";
    }

    private static void state(LineState s, int minutes, String state) {
        s.accept("events.line1.cartoner.state", "cartoner-1", json("{\"state\":\"" + state + "\",\"batchId\":\"B1\","
                + at(minutes) + "}"), null);
    }

    /**
     * Verifies the batch report's worked example (OeeTest) from events: an 8-hour batch in which the cartoner ran
     * 400 minutes, ideal 60/min, 19,200 made of which 18,240 good: A 0.8333, P 0.80, Q 0.95, OEE 0.6333.
     */
    @Test
    void oeeOfABatchFromItsEventsIsTheBatchReports() {
        LineState s = new LineState(10, 10);
        s.accept("batch.B1.start", "hmi-1", json("{\"batchId\":\"B1\",\"line\":\"line1\",\"plant\":\"chicago\","
                + "\"product\":\"Tablets\",\"quantity\":20000,\"idealRatePerMinute\":60," + at(0) + "}"), null);
        state(s, -5, "running");
        state(s, 200, "fault");
        state(s, 240, "running");
        state(s, 440, "stopped");
        s.accept("factory.chicago.line1.cartoner.count", "cartoner-1", json("{\"value\":18240,\"batchId\":\"B1\","
                + at(439) + "}"), null);
        s.accept("factory.chicago.line1.cartoner.reject", "cartoner-1", json("{\"value\":960,\"batchId\":\"B1\","
                + at(300) + "}"), null);
        s.accept("factory.chicago.line1.cartoner.reject", "cartoner-1", json("{\"value\":5,\"batchId\":\"B0\","
                + at(301) + "}"), null); // another batch's reject: not counted
        s.accept("batch.B1.complete", "hmi-1", json("{\"batchId\":\"B1\"," + at(480) + "}"), null);

        JsonNode line = s.picture(Map.of()).path("lines").get(0);
        assertThat(line.path("id").asText()).isEqualTo("line1");
        assertThat(line.has("batch")).isFalse();
        JsonNode oee = line.path("lastBatch").path("oee");
        assertThat(line.path("lastBatch").path("status").asText()).isEqualTo("complete");
        assertThat(oee.path("total").asLong()).isEqualTo(19_200);
        assertThat(oee.path("availability").asDouble()).isCloseTo(0.8333, within(1e-4));
        assertThat(oee.path("performance").asDouble()).isCloseTo(0.80, within(1e-9));
        assertThat(oee.path("quality").asDouble()).isCloseTo(0.95, within(1e-9));
        assertThat(oee.path("oee").asDouble()).isCloseTo(0.6333, within(1e-4));
    }

    /** Verifies equipment by line with state and connection, critical values with limits, and bounded alerts. */
    @Test
    void equipmentCriticalValuesAndAlertsAreShown() {
        LineState s = new LineState(2, 1);
        state(s, 0, "running");
        s.accept("factory.chicago.line1.blister-sealer.temperature", "sealer-1",
                json("{\"value\":191.2,\"unit\":\"C\",\"zone\":\"upper\",\"limit\":190.0," + at(1) + "}"), null);
        s.accept("factory.chicago.line1.case-packer.weight", "packer-1",
                json("{\"value\":12.5,\"target\":12.5,\"tolerance\":0.25," + at(1) + "}"), null); // beyond the bound
        for (int i = 0; i < 3; i++) {
            s.accept("alerts.chicago.line1.temperature-excursion", "sealer-1",
                    json("{\"severity\":\"high\",\"value\":19" + i + ",\"limit\":190," + at(i) + "}"), null);
        }
        JsonNode picture = s.picture(Map.of("hmi-1", new LineState.ConnectedDevice("hmi-1", "hmi", "line1"),
                "cartoner-1", new LineState.ConnectedDevice("cartoner-1", "cartoner", "line1")));
        JsonNode equipment = picture.path("lines").get(0).path("equipment");
        assertThat(equipment.findValuesAsText("deviceId")).containsExactly("cartoner-1", "hmi-1", "packer-1", "sealer-1");
        assertThat(equipment.get(0).path("state").asText()).isEqualTo("running");
        assertThat(equipment.get(0).path("connected").asBoolean()).isTrue();
        assertThat(equipment.get(3).path("connected").asBoolean()).isFalse();
        JsonNode critical = picture.path("critical");
        assertThat(critical).hasSize(1);
        assertThat(critical.get(0).path("upper").asDouble()).isEqualTo(190.0);
        assertThat(critical.get(0).path("within").asBoolean()).isFalse();
        assertThat(picture.path("alerts")).hasSize(2);
        assertThat(picture.path("alerts").get(0).path("value").asDouble()).isEqualTo(192);
    }
}
