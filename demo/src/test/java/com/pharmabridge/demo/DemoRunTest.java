package com.pharmabridge.demo;

import com.pharmabridge.gateway.testing.NatsFixture;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Verifies the README's run command end to end: within its first seconds, four machines' telemetry is in JetStream. */
class DemoRunTest {

    @Test
    void demoStoresTelemetryFromFourDevicesEachWithItsDeviceIdHeader(@TempDir Path data) throws Exception {
        try (NatsFixture nats = NatsFixture.start()) {
            long started = System.nanoTime();
            int exit = new CommandLine(new DemoLauncher()).execute("--data", data.toString(), "--nats-url", nats.url(),
                    "--port", "0", "--duration", "8", "--speed", "20");
            assertThat(exit).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));

            JetStreamSubscription sub = nats.observer().jetStream().subscribe("factory.>",
                    PullSubscribeOptions.builder().configuration(ConsumerConfiguration.builder()
                            .deliverPolicy(DeliverPolicy.All).build()).build());
            Set<String> devices = new HashSet<>();
            List<Message> batch;
            int messages = 0;
            while (!(batch = sub.fetch(1000, Duration.ofSeconds(1))).isEmpty()) {
                for (Message m : batch) {
                    String deviceId = m.getHeaders() == null ? null : m.getHeaders().getFirst("Device-Id");
                    assertThat(deviceId).as("Device-Id header on %s", m.getSubject()).isNotBlank();
                    devices.add(deviceId);
                    messages++;
                    m.ack();
                }
            }
            assertThat(devices).containsExactlyInAnyOrder("blister-sealer-line1-01", "cartoner-line1-01",
                    "case-packer-line1-01", "serialization-line1-01");
            assertThat(messages).isGreaterThan(100);
        }
    }

    @Test
    void withTheHistorianEveryCompletedBatchGetsItsReport(@TempDir Path data) throws Exception {
        Path line = data.resolve("line.yaml");
        java.nio.file.Files.writeString(line, """
                speed: max
                duration: 50m
                start: 2026-01-15T06:00:00Z
                offlineStore: memory
                plants:
                  - id: chicago
                    lines:
                      - id: line1
                        batches: {prefix: T, duration: 15m, changeover: 5m, plannedQuantity: 500}
                        machines:
                          - {type: blister-sealer, cycle: 20s}
                          - {type: cartoner, cycle: 20s}
                          - {type: serialization, cycle: 20s}
                          - {type: case-packer, cycle: 40s}
                """);
        try (NatsFixture nats = NatsFixture.start()) {
            int exit = new CommandLine(new DemoLauncher()).execute("--data", data.resolve("demo").toString(),
                    "--nats-url", nats.url(), "--port", "0", "--line", line.toString(), "--historian",
                    "--duration", "90");
            assertThat(exit).isZero();
        }
        Path reports = data.resolve("demo").resolve("reports");
        // 50 simulated minutes of 15-minute batches with 5-minute changeovers: two complete batches.
        List<Path> html;
        try (var files = java.nio.file.Files.list(reports)) {
            html = files.filter(p -> p.toString().endsWith(".html")).sorted().toList();
        }
        assertThat(html).hasSize(2);
        for (Path page : html) {
            String json = java.nio.file.Files.readString(Path.of(page.toString().replace(".html", ".json")));
            com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(json);
            assertThat(report.path("timeline")).hasSize(4);
            assertThat(report.path("recordsByTable").path("telemetry").asLong()).isPositive();
            assertThat(report.path("oee").path("oee").asDouble()).isBetween(0.05, 1.0);
            assertThat(java.nio.file.Files.readString(page)).contains("<svg", "Reconciliation");
        }
    }
}
