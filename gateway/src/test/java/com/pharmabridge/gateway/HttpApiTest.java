package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator HTTP endpoints on the gateway's port: health, readiness, metrics, connected devices (never a credential). */
class HttpApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .device("http-sealer-1", "sealer", "line1")
                .device("http-sealer-2", "sealer", "line2")
                .device("http-hmi-1", "hmi", "line1")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        GatewayFixture.closeAll(gateway, nats);
    }

    @Test
    void healthIsUp() throws Exception {
        HttpResponse<String> response = gateway.http("/health");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void readyIsReadyWithoutStreamDrift() throws Exception {
        HttpResponse<String> response = gateway.http("/ready");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asText()).isEqualTo("READY");
        assertThat(body.path("streamDrift").isArray()).isTrue();
        assertThat(body.path("streamDrift")).isEmpty();
    }

    @Test
    void metricsExposeMessageConnectionAndAuthCounters() throws Exception {
        try (WsDevice device = gateway.connect("http-hmi-1")) {
            device.send("{\"type\":9,\"correlationId\":\"m1\"}");
            device.awaitCorrelation("m1");
            HttpResponse<String> response = gateway.http("/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            String text = response.body();
            assertThat(text).contains("gateway_messages_received_total", "gateway_connections_active",
                    "gateway_auth_attempts_total");
            assertThat(sample(text, "gateway_auth_attempts_total", "outcome=\"success\"")).isGreaterThanOrEqualTo(1);
            assertThat(sample(text, "gateway_messages_received_total", "type=\"ping\"")).isGreaterThanOrEqualTo(1);
            assertThat(text).doesNotContain("http-hmi-1").doesNotContain(gateway.token("http-hmi-1"));
        }
    }

    @Test
    void gaugesReportLiveValuesAlsoAfterGarbageCollection() throws Exception {
        try (WsDevice device = gateway.connect("http-hmi-1")) {
            // A gauge that holds its value source only weakly turns into NaN once the JVM collects garbage.
            System.gc();
            String text = gateway.http("/metrics").body();
            // One authenticated session is open now, NATS is connected, the gateway is ready.
            assertThat(sample(text, "gateway_connections_active", "")).as("gateway_connections_active")
                    .isGreaterThanOrEqualTo(1);
            assertThat(sample(text, "gateway_nats_connected", "")).as("gateway_nats_connected").isEqualTo(1);
            assertThat(sample(text, "gateway_ready", "")).as("gateway_ready").isEqualTo(1);
        }
    }

    @Test
    void devicesListsConnectedDeviceWithSessionFiguresAndNoCredential() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        try (WsDevice device = gateway.connect("http-sealer-1")) {
            device.send("{\"type\":1,\"subject\":\"x.listed\",\"correlationId\":\"s1\"}");
            assertThat(device.awaitCorrelation("s1").path("type").asInt()).isEqualTo(6);
            device.send("{\"type\":0,\"subject\":\"telemetry.line1.http\",\"payload\":{\"value\":1},\"correlationId\":\"p1\"}");
            assertThat(device.awaitCorrelation("p1").path("type").asInt()).isEqualTo(6);

            HttpResponse<String> response = gateway.http("/devices");
            assertThat(response.statusCode()).isEqualTo(200);
            assertNoCredential(response.body());
            JsonNode listed = null;
            for (JsonNode d : JSON.readTree(response.body())) {
                if (d.path("deviceId").asText().equals("http-sealer-1")) {
                    listed = d;
                }
            }
            assertThat(listed).as("http-sealer-1 in %s", response.body()).isNotNull();
            assertThat(listed.path("deviceType").asText()).isEqualTo("sealer");
            assertThat(Instant.parse(listed.path("connectedAt").asText())).isBetween(before, Instant.now().plusSeconds(1));
            assertThat(listed.path("remoteAddress").asText()).contains("127.0.0.1");
            assertThat(texts(listed.path("subscriptions"))).containsExactly("x.listed");
            // In: Auth, Subscribe, Publish. Out: Auth answer and two Acks.
            assertThat(listed.path("messagesIn").asLong()).isEqualTo(3);
            assertThat(listed.path("messagesOut").asLong()).isEqualTo(3);
            assertThat(listed.has("permissions")).isFalse();
        }
    }

    @Test
    void deviceDetailIncludesResolvedPermissionsAndNoCredential() throws Exception {
        try (WsDevice device = gateway.connect("http-sealer-2")) {
            HttpResponse<String> response = gateway.http("/devices/http-sealer-2");
            assertThat(response.statusCode()).isEqualTo(200);
            assertNoCredential(response.body());
            JsonNode detail = JSON.readTree(response.body());
            assertThat(detail.path("deviceId").asText()).isEqualTo("http-sealer-2");
            assertThat(detail.path("deviceType").asText()).isEqualTo("sealer");
            JsonNode permissions = detail.path("permissions");
            assertThat(texts(permissions.path("publish"))).containsExactly(
                    "telemetry.line2.>", "factory.>", "alerts.>", "config.line2.>", "events.line2.>");
            assertThat(texts(permissions.path("subscribe"))).containsExactly(
                    "commands.line2.*", "commands.line2.http-sealer-2.>", "x.*");
            assertThat(texts(permissions.path("deny"))).containsExactly("commands.*.secret");
        }
    }

    @Test
    void unknownOrDisconnectedDeviceIs404() throws Exception {
        assertThat(gateway.http("/devices/no-such-device").statusCode()).isEqualTo(404);
        // Registered but not connected.
        assertThat(gateway.http("/devices/http-hmi-1").statusCode()).isEqualTo(404);
    }

    @Test
    void webSocketPathWithoutUpgradeAndUnknownPathsAreNotOk() throws Exception {
        HttpResponse<String> ws = gateway.http("/ws");
        assertThat(ws.statusCode()).isNotEqualTo(200).isBetween(400, 499);
        HttpResponse<String> nope = gateway.http("/nope");
        assertThat(nope.statusCode()).isEqualTo(404);
        assertNoCredential(ws.body());
        assertNoCredential(nope.body());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private static void assertNoCredential(String body) {
        assertThat(body).doesNotContainIgnoringCase("tokenHash").doesNotContainIgnoringCase("\"token\"");
        for (String id : List.of("http-sealer-1", "http-sealer-2", "http-hmi-1")) {
            assertThat(body).doesNotContain(gateway.token(id));
            assertThat(body).doesNotContain(gateway.registry().device(id).tokenHash());
        }
    }

    private static List<String> texts(JsonNode array) {
        assertThat(array.isArray()).as("expected a JSON array: %s", array).isTrue();
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The value of the first Prometheus sample of {@code name} whose labels contain {@code label}. */
    private static double sample(String text, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+|NaN|[+-]Inf)$").matcher(text);
        while (m.find()) {
            if (m.group(1) == null ? label.isEmpty() : m.group(1).contains(label)) {
                String value = m.group(2);
                return value.equals("NaN") ? Double.NaN : value.endsWith("Inf")
                        ? (value.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
                        : Double.parseDouble(value);
            }
        }
        throw new AssertionError("No sample " + name + " with " + label + " in /metrics: "
                + text.lines().filter(l -> l.contains(name)).toList());
    }
}
