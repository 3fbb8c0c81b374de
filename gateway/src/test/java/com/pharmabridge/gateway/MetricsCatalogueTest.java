package com.pharmabridge.gateway;

import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The metrics catalogue (docs/monitoring.md) against a real gateway: each family is there from the start, moves when
 * its event happens, and no label carries a device id.
 */
class MetricsCatalogueTest {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)");
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .with("GATEWAY_MESSAGE_RATE_LIMIT_PER_SECOND", "5")
                .with("METRICS_JETSTREAM_POLL_SECONDS", "1")
                .device("metrics-sealer-1", "sealer", "line1")
                .device("metrics-hmi-1", "hmi", "line1")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        GatewayFixture.closeAll(gateway, nats);
    }

    /** Verifies that every family of the catalogue is exposed, and writes the scrape to target/ for reading. */
    @Test
    void everyFamilyOfTheCatalogueIsExposed() throws Exception {
        String scrape = scrape();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/metrics-scrape.txt"), scrape);
        Set<String> names = names(scrape);
        assertThat(names).contains(
                "gateway_connections_active", "gateway_connections_opened_total", "gateway_connections_closed_total",
                "gateway_connections_refused_total", "gateway_messages_received_total", "gateway_messages_sent_total",
                "gateway_bytes_received_bytes_total", "gateway_bytes_sent_bytes_total", "gateway_errors_sent_total",
                "gateway_auth_attempts_total", "gateway_authorization_checks_total", "gateway_rate_limited_total",
                "gateway_validation_refused_total", "gateway_processing_seconds_bucket",
                "gateway_jetstream_publish_latency_seconds_bucket", "gateway_request_latency_seconds_bucket",
                "gateway_outgoing_queued", "gateway_outgoing_queued_max", "gateway_outgoing_dropped_total",
                "gateway_durable_deliveries_total", "gateway_durable_redeliveries_total", "gateway_nats_connected",
                "gateway_nats_reconnects_total", "gateway_nats_dropped_total", "gateway_nats_pending_bytes",
                "gateway_ready", "gateway_stream_drift", "gateway_clock_skew_flagged_total",
                "gateway_jetstream_stream_messages", "gateway_jetstream_stream_bytes",
                "gateway_jetstream_stream_max_bytes", "gateway_jetstream_stream_stored_total",
                "gateway_jetstream_storage_bytes", "gateway_jetstream_storage_limit_bytes",
                "gateway_jetstream_poll_success", "gateway_ui_login_failures_total");
    }

    /** Verifies that publishes, refusals and checks move their counters, with bounded labels only. */
    @Test
    void eventsMoveTheirCountersWithBoundedLabels() throws Exception {
        Map<String, Double> before = samples(scrape());
        try (WsDevice sealer = gateway.connect("metrics-sealer-1")) {
            sealer.send("{\"type\":0,\"subject\":\"factory.chicago.line1.sealer.temperature\","
                    + "\"payload\":{\"value\":185.2,\"unit\":\"C\"},\"correlationId\":\"m-1\"}");
            assertThat(sealer.awaitCorrelation("m-1").path("type").asInt()).isEqualTo(6);
            sealer.send("{\"type\":0,\"subject\":\"batch.B1.start\",\"payload\":{},\"correlationId\":\"m-2\"}");
            assertThat(sealer.awaitCorrelation("m-2").path("payload").path("code").asText()).isEqualTo("NOT_AUTHORIZED");
            sealer.send("{\"type\":0,\"subject\":\"factory.chicago.line1.sealer.temperature\","
                    + "\"payload\":{\"value\":[1]},\"correlationId\":\"m-3\"}");
            assertThat(sealer.awaitCorrelation("m-3").path("payload").path("code").asText()).isEqualTo("INVALID_MESSAGE");
            for (int i = 0; i < 12; i++) {
                sealer.send("{\"type\":0,\"subject\":\"factory.chicago.line1.sealer.pressure\","
                        + "\"payload\":{\"value\":4.5},\"correlationId\":\"r-" + i + "\"}");
            }
            sealer.await(m -> m.path("payload").path("code").asText().equals("RATE_LIMIT"));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Map<String, Double> after = samples(scrape());
            assertThat(delta(before, after, "gateway_auth_attempts_total{outcome=\"success\"}")).isEqualTo(1);
            assertThat(delta(before, after, "gateway_authorization_checks_total{action=\"publish\",result=\"denied\"}"))
                    .isEqualTo(1);
            assertThat(delta(before, after, "gateway_authorization_checks_total{action=\"publish\",result=\"allowed\"}"))
                    .isGreaterThanOrEqualTo(2);
            assertThat(delta(before, after, "gateway_validation_refused_total{reason=\"schema\"}")).isEqualTo(1);
            assertThat(delta(before, after, "gateway_rate_limited_total{limit=\"messages\"}")).isGreaterThanOrEqualTo(1);
            assertThat(delta(before, after, "gateway_jetstream_publish_latency_seconds_count")).isGreaterThanOrEqualTo(1);
            assertThat(delta(before, after, "gateway_processing_seconds_count{type=\"publish\"}")).isGreaterThanOrEqualTo(1);
            assertThat(delta(before, after, "gateway_bytes_sent_bytes_total")).isPositive();
            assertThat(after.get("gateway_jetstream_stream_stored_total{stream=\"TELEMETRY\"}")).isGreaterThanOrEqualTo(1);
            assertThat(after.get("gateway_jetstream_poll_success")).isEqualTo(1);
        });
        // No label value names a device: per-device figures belong in /devices.
        assertThat(scrape()).doesNotContain("metrics-sealer-1").doesNotContain("metrics-hmi-1");
    }

    static String scrape() throws Exception {
        return gateway.http("/metrics").body();
    }

    static Set<String> names(String scrape) {
        Set<String> names = new TreeSet<>();
        scrape.lines().map(SAMPLE::matcher).filter(Matcher::find).forEach(m -> names.add(m.group(1)));
        return names;
    }

    private static Map<String, Double> samples(String scrape) {
        Map<String, Double> samples = new TreeMap<>();
        scrape.lines().map(SAMPLE::matcher).filter(Matcher::find).forEach(m ->
                samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3))));
        return samples;
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
        assertThat(after).as("series " + series).containsKey(series);
        return after.get(series) - before.getOrDefault(series, 0.0);
    }
}
