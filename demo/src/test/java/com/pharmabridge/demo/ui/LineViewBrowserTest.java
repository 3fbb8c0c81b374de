package com.pharmabridge.demo.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.gateway.api.AdminCredential;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.simulator.LineDescription;
import com.pharmabridge.simulator.LineDescriptionLoader;
import com.pharmabridge.simulator.LineSimulator;
import com.pharmabridge.simulator.testing.SimulatedLineGateway;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live line view in a real browser (Debian's chromium, driven by playwright-core): behind the operator's
 * credential, it shows the simulated line's equipment with their states, OEE, critical values with limits and message
 * rates, and it updates by itself. Leaves target/ui/line-view.png for people to look at.
 */
class LineViewBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "line-view-test-password";
    private static final String LINE = """
            seed: 7
            speed: 60
            start: 2026-01-15T06:00:00Z
            offlineStore: memory
            plants:
              - id: chicago
                lines:
                  - id: line1
                    batches: {prefix: B26, duration: 2h, changeover: 10m, plannedQuantity: 20000}
                    machines:
                      - {type: blister-sealer, cycle: 2s}
                      - {type: cartoner, cycle: 2s}
                      - {type: serialization, cycle: 2s}
                      - {type: case-packer, cycle: 6s}
            """;

    /** Verifies that the page loads behind the credential, shows the simulator's devices and updates live. */
    @Test
    void theLineViewShowsTheSimulatedLineAndUpdates() throws Exception {
        Path work = BrowserScripts.installed();
        Path screenshot = Path.of("target/ui/line-view.png").toAbsolutePath();
        Files.createDirectories(screenshot.getParent());
        Files.deleteIfExists(screenshot);
        LineDescription line = LineDescriptionLoader.parse(LINE);
        String hash = AdminCredential.hash(PASSWORD.toCharArray(), 100_000);
        try (NatsFixture nats = NatsFixture.start();
             GatewayFixture gateway = SimulatedLineGateway.start(nats, line, Map.of("ADMIN_PASSWORD_HASH", hash,
                     "UI_REFRESH_MILLIS", "500"))) {
            String ui = "http://127.0.0.1:" + gateway.port() + "/ui/";
            assertThat(get(ui, null).statusCode()).as("without the credential").isEqualTo(401);
            assertThat(get(ui, "admin:wrong-password").statusCode()).as("with a wrong password").isEqualTo(401);
            assertThat(get(ui + "api/snapshot", "admin:" + PASSWORD).statusCode()).isEqualTo(200);
            try (LineSimulator simulator = LineSimulator.start(gateway.wsUri(), line,
                    SimulatedLineGateway.tokens(gateway, line), null)) {
                List<String> devices = line.deviceIds().stream().sorted().toList();
                BrowserScripts.Result run = BrowserScripts.node("line-view-check.mjs", Map.of(
                        "UI_URL", ui, "UI_USER", "admin", "UI_PASSWORD", PASSWORD,
                        "UI_DEVICES", String.join(",", devices), "UI_SCREENSHOT", screenshot.toString()), 150);
                assertThat(run.exit()).as("node: %s", run.err()).isZero();
                JsonNode seen = JSON.readTree(run.out().lines().reduce((a, b) -> b).orElse("{}"));
                assertThat(seen.path("failure").isMissingNode()).as("browser check: %s", seen).isTrue();
                assertThat(seen.path("status").asInt()).isEqualTo(200);
                assertThat(seen.path("errors")).as("page errors").isEmpty();
                assertThat(seen.path("blockedRequests")).as("requests to anywhere but the gateway").isEmpty();
                JsonNode page = seen.path("seen");
                assertThat(page.path("lines").toString()).contains("line1");
                assertThat(page.path("equipment").findValuesAsText("deviceId")).containsAll(devices);
                for (JsonNode e : page.path("equipment")) {
                    assertThat(e.path("gateway").asText()).as(e.toString()).isEqualTo("connected");
                    if (!e.path("deviceId").asText().startsWith("hmi-")) {
                        assertThat(e.path("state").asText()).as(e.toString())
                                .isIn("running", "stopped", "fault", "calibrating");
                    }
                }
                assertThat(page.path("batch").asText()).startsWith("Batch B26-");
                for (String factor : List.of("availability", "performance", "quality", "oee")) {
                    assertThat(page.path("oee").path(factor).asText()).as(factor).matches("\\d+\\.\\d %");
                }
                assertThat(page.path("criticalRows").asInt()).isGreaterThanOrEqualTo(2);
                assertThat(page.path("streams").toString()).contains("TELEMETRY", "EVENTS", "BATCHES");
                assertThat(page.path("chartVersion").asText()).startsWith("4.");
                assertThat(page.path("ratesChartDrawn").asBoolean()).isTrue();
                assertThat(page.path("nats").asText()).isEqualTo("NATS ready");
                assertThat(seen.path("updatesAfter").asInt()).isGreaterThanOrEqualTo(seen.path("updatesBefore").asInt() + 3);
                assertThat(seen.path("changed").path("lineClock").asBoolean()).isTrue();
                assertThat(Files.size(screenshot)).as("screenshot " + screenshot).isGreaterThan(10_000);
                assertThat(simulator.totals().refused()).isZero();
            }
        }
        assertThat(work).isDirectory();
    }

    private static HttpResponse<String> get(String url, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (credentials != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
