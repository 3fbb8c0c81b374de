package com.pharmabridge.historian.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.HeadlessChromium;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.StoredMessages;
import com.pharmabridge.historian.HistorianConfig;
import com.pharmabridge.historian.ingest.Historian;
import com.pharmabridge.historian.store.Database;
import com.pharmabridge.historian.store.RetentionPolicy;
import com.pharmabridge.historian.testing.Rows;
import com.pharmabridge.historian.testing.TestPostgres;
import com.pharmabridge.simulator.LineDescription;
import com.pharmabridge.simulator.LineDescriptionLoader;
import com.pharmabridge.simulator.LineSimulator;
import com.pharmabridge.simulator.testing.SimulatedLineGateway;
import io.nats.client.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A simulated line runs a batch through a real gateway into JetStream; the historian keeps it in PostgreSQL; the
 * batch report must count exactly what was published, reconcile with the machines' own readings, and render in a
 * real headless browser.
 */
class BatchReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> STREAMS = List.of("TELEMETRY", "EVENTS", "ALERTS", "QUALITY", "BATCHES");
    private static final Map<String, String> TABLE_OF = Map.of("TELEMETRY", "telemetry", "EVENTS", "events",
            "ALERTS", "alerts", "QUALITY", "quality", "BATCHES", "batch_events");
    private static final String LINE = """
            seed: 11
            speed: max
            duration: 2h40m
            start: 2026-01-15T06:00:00Z
            offlineStore: memory
            plants:
              - id: chicago
                lines:
                  - id: line1
                    batches: {prefix: B26, duration: 2h, changeover: 15m, plannedQuantity: 3000}
                    machines:
                      - {type: blister-sealer, cycle: 30s}
                      - {type: cartoner, cycle: 30s}
                      - {type: serialization, cycle: 30s}
                      - {type: case-packer, cycle: 60s}
            """;

    @Test
    void theReportOfASimulatedBatchCountsWhatWasPublishedAndRendersInABrowser(@TempDir Path tmp) throws Exception {
        HeadlessChromium.requireInstalled();
        Database db = TestPostgres.freshDatabase();
        LineDescription line = LineDescriptionLoader.parse(LINE);
        try (NatsFixture nats = NatsFixture.start(); GatewayFixture gateway = SimulatedLineGateway.start(nats, line)) {
            HistorianConfig config = HistorianConfig.defaults(nats.url())
                    .withTiming(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMillis(200))
                    .withRetention(RetentionPolicy.keepEverything("6y"), null);
            try (Historian historian = Historian.start(config, db)) {
                try (LineSimulator simulator = LineSimulator.start(gateway.wsUri(), line,
                        SimulatedLineGateway.tokens(gateway, line), null)) {
                    assertThat(simulator.awaitAllAcknowledged(Duration.ofMinutes(3))).isTrue();
                    assertThat(simulator.totals().batchesCompleted()).isEqualTo(1);
                }
                String batchId = firstBatch(nats);
                // What JetStream holds of the batch, per stream: payload batchId, or the batch's own subject.
                Map<String, Long> published = new HashMap<>();
                Map<String, List<JsonNode>> payloads = new HashMap<>();
                for (String stream : STREAMS) {
                    List<JsonNode> ofBatch = new java.util.ArrayList<>();
                    for (Message m : StoredMessages.all(nats.observer(), subjects(stream))) {
                        JsonNode p = JSON.readTree(m.getData());
                        ((com.fasterxml.jackson.databind.node.ObjectNode) p).put("_subject", m.getSubject());
                        ((com.fasterxml.jackson.databind.node.ObjectNode) p).put("_device",
                                m.getHeaders().getFirst("Device-Id"));
                        if (batchId.equals(p.path("batchId").asText())) {
                            ofBatch.add(p);
                        }
                    }
                    published.put(TABLE_OF.get(stream), (long) ofBatch.size());
                    payloads.put(stream, ofBatch);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> Rows.single(db,
                        "SELECT count(*) FROM historian.records WHERE batch_id = '" + batchId + "'")
                        >= published.values().stream().mapToLong(Long::longValue).sum());

                BatchRecord record;
                try (Connection c = db.admin()) {
                    record = new BatchRecordLoader(c).load(batchId);
                }
                assertThat(record.recordsByTable()).containsExactlyInAnyOrderEntriesOf(published);
                assertThat(record.timeline()).extracting(BatchRecord.Event::event)
                        .containsExactly("start", "hold", "release", "complete");
                assertThat(record.devices()).extracting(BatchRecord.Device::deviceId).containsExactlyInAnyOrder(
                        "hmi-line1", "blister-sealer-line1-01", "cartoner-line1-01", "serialization-line1-01",
                        "case-packer-line1-01");
                assertThat(record.startedAt()).isEqualTo(Instant.parse("2026-01-15T06:00:00Z"));
                assertThat(record.completedAt()).isEqualTo(Instant.parse("2026-01-15T08:00:00Z"));
                reconciles(record, payloads);
                assertThat(record.oee()).isNotNull();
                assertThat(record.oee().availability()).isBetween(0.5, 1.0);
                assertThat(record.oee().performance()).isBetween(0.3, 1.0);
                assertThat(record.oee().quality()).isBetween(0.8, 1.0);
                assertThat(record.charts()).extracting(BatchRecord.Chart::title)
                        .contains("temperature (upper)", "temperature (lower)", "weight");
                assertThat(record.auditEvents()).extracting(BatchRecord.AuditLine::action).contains("auth.login");
                assertThat(record.alerts()).hasSize(payloads.get("ALERTS").size());

                Path out = Path.of("target", "batch-report");
                Files.createDirectories(out);
                Path html = out.resolve(batchId + ".html");
                Files.writeString(html, BatchReportWriter.html(record, Instant.now()));
                JsonNode json = JSON.readTree(BatchReportWriter.json(record));
                assertThat(json.path("recordsByTable").path("telemetry").asLong()).isEqualTo(published.get("telemetry"));
                assertThat(json.path("oee").path("quality").asDouble()).isEqualTo(record.oee().quality());
                inBrowser(html, tmp, out, batchId, record);
            }
        }
    }

    // The counts the HMI reported at completion are what the machines' own readings add up to.
    private static void reconciles(BatchRecord record, Map<String, List<JsonNode>> payloads) {
        long lastCartonCount = payloads.get("TELEMETRY").stream()
                .filter(p -> p.path("_subject").asText().endsWith(".cartoner.count"))
                .mapToLong(p -> p.path("value").asLong()).max().orElse(-1);
        long cartonRejects = payloads.get("TELEMETRY").stream()
                .filter(p -> p.path("_subject").asText().endsWith(".cartoner.reject")).count();
        assertThat(record.reconciliation().get("cartoner-line1-01"))
                .isEqualTo(new BatchRecord.Counts(lastCartonCount, cartonRejects));
        assertThat(record.quantity()).as("line output: the cartoner's good cartons").isEqualTo(lastCartonCount);
        long visionFails = payloads.get("QUALITY").stream()
                .filter(p -> p.path("_subject").asText().endsWith(".vision-inspection"))
                .filter(p -> p.path("result").asText().equals("fail")).count();
        long reads = payloads.get("TELEMETRY").stream()
                .filter(p -> p.path("_subject").asText().endsWith(".serialization.read")).count();
        assertThat(record.reconciliation().get("serialization-line1-01"))
                .isEqualTo(new BatchRecord.Counts(reads - visionFails, visionFails));
        assertThat(record.qualitySummary().get("serialization.vision-inspection").bad()).isEqualTo(visionFails);
    }

    private static void inBrowser(Path html, Path tmp, Path out, String batchId, BatchRecord record) throws Exception {
        String dom = HeadlessChromium.dumpDom(html, tmp.resolve("profile-dom"));
        assertThat(dom).contains("Batch record", batchId, "Timeline of batch events", "Reconciliation", "OEE",
                "Critical process values", "Audit events during the batch", "Gaps and clock-skew flags");
        assertThat(dom.split("<polyline class=\"value\"", -1).length - 1).isEqualTo(record.charts().size());
        Path png = out.resolve(batchId + ".png");
        HeadlessChromium.screenshot(html, tmp.resolve("profile-png"), png, 1200, 2400);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1200);
        // Rendered, not blank: a good share of the page carries ink (text, tables, charts).
        long inked = 0;
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                inked += rgb != 0xFFFFFF ? 1 : 0;
            }
        }
        assertThat(inked).isGreaterThan(2_000);
        Path pdf = out.resolve(batchId + ".pdf");
        HeadlessChromium.printToPdf(html, tmp.resolve("profile-pdf"), pdf);
        assertThat(new String(Files.readAllBytes(pdf), 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("%PDF-");
        assertThat(Files.size(pdf)).isGreaterThan(20_000);
    }

    private static String firstBatch(NatsFixture nats) throws Exception {
        for (Message m : StoredMessages.all(nats.observer(), "batch.>")) {
            if (m.getSubject().endsWith(".complete")) {
                return m.getSubject().split("\\.")[1];
            }
        }
        throw new AssertionError("no batch completed");
    }

    private static String subjects(String stream) {
        return switch (stream) {
            case "TELEMETRY" -> "factory.>";
            case "EVENTS" -> "events.>";
            case "ALERTS" -> "alerts.>";
            case "QUALITY" -> "quality.>";
            default -> "batch.>";
        };
    }
}
