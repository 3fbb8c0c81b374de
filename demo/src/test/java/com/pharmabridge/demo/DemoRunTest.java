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
}
