package com.pharmabridge.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import com.pharmabridge.sdk.store.OfflineStore;
import com.pharmabridge.sdk.store.StoreLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link DeviceClient#metrics()} across acknowledgements, refusals, a gateway restart and a process restart. */
class ClientMetricsTest {

    @Test
    void verifiesThatMetricsCountWhatHappenedToEachPublish(@TempDir Path dir) throws Exception {
        String subject = "telemetry.line1.metrics-1.t";
        try (NatsFixture nats = NatsFixture.start();
             GatewayFixture gateway = new GatewayFixture(nats.url()).device("metrics-1", "sealer", "line1").start();
             OfflineStore store = OfflineStore.open(dir.resolve("metrics.db"), StoreLimits.defaults())) {
            int port = gateway.port();
            DeviceClientOptions.Builder options = DeviceClientOptions.builder().gatewayUri(gateway.wsUri())
                    .deviceId("metrics-1").token(gateway.token("metrics-1")).journal(new StoreJournal(store))
                    .reconnect(Duration.ofMillis(100), Duration.ofMillis(300), 0.25);

            // First run: three acknowledged, one refused for good, two left in the journal while the gateway is down.
            try (DeviceClient first = DeviceClient.connect(options.build())) {
                assertThat(first.awaitAuthenticated(Duration.ofSeconds(10))).isTrue();
                assertThat(first.metrics()).isEqualTo(new ClientMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
                for (int i = 0; i < 3; i++) {
                    first.publish(subject, "{\"value\":" + i + "}").get(10, TimeUnit.SECONDS);
                }
                CompletableFuture<PublishAck> refused = first.publish("commands.line1.x", "{\"value\":1}");
                assertThat(refused).failsWithin(Duration.ofSeconds(10));
                gateway.server().close();
                await().atMost(Duration.ofSeconds(10)).until(() -> !first.isAuthenticated());
                first.publish(subject, "{\"value\":10}");
                first.publish(subject, "{\"value\":11}");
                assertThat(first.metrics()).isEqualTo(new ClientMetrics(2, 6, 3, 0, 0, 0, 0, 0, 1, 0, 0));
            }

            // One more entry in the journal whose message JetStream already has: as if the Ack had been lost.
            String envelope;
            try (WsDevice raw = gateway.startOnPort(port).connect("metrics-1")) {
                envelope = "{\"type\":0,\"subject\":\"" + subject + "\",\"payload\":{\"value\":12},"
                        + "\"correlationId\":\"lost-ack-1\"}";
                raw.send(envelope);
                JsonNode ack = raw.awaitCorrelation("lost-ack-1");
                assertThat(ack.path("payload").path("duplicate").asBoolean(true)).isFalse();
            }
            new StoreJournal(store).add("lost-ack-1", subject, envelope);

            // Second run on the same journal: all three entries go out again, one turns out to be a duplicate.
            try (DeviceClient second = DeviceClient.connect(options.build())) {
                assertThat(second.metrics().queued()).isEqualTo(3);
                await().atMost(Duration.ofSeconds(15)).until(() -> second.metrics().queued() == 0);
                assertThat(second.metrics()).isEqualTo(new ClientMetrics(0, 0, 3, 1, 3, 0, 0, 0, 0, 0, 0));

                // A gateway restart under the connected client is one reconnect.
                gateway.server().close();
                await().atMost(Duration.ofSeconds(10)).until(() -> !second.isAuthenticated());
                gateway.startOnPort(port);
                assertThat(second.awaitAuthenticated(Duration.ofSeconds(15))).isTrue();
                assertThat(second.metrics().reconnects()).isEqualTo(1);
                assertThat(second.metrics().replayed()).as("nothing was pending").isEqualTo(3);
            }
        }
    }
}
