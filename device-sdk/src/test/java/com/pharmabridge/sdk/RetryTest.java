package com.pharmabridge.sdk;

import com.pharmabridge.gateway.policy.DeviceLimits;
import com.pharmabridge.gateway.registry.DeviceType;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.StoredMessages;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Refusals the client must ride out by itself: the gateway's per-device rate limit ({@code RATE_LIMIT}) and NATS
 * going away under it ({@code UNAVAILABLE}). Every publish ends acknowledged and in JetStream exactly once.
 */
class RetryTest {
    private static final int BURST = 60;

    @Test
    void verifiesThatABurstOverTheRateLimitIsAllAcknowledgedAndStoredExactlyOnce() throws Exception {
        try (NatsFixture nats = NatsFixture.start();
             GatewayFixture gateway = new GatewayFixture(nats.url())
                     // 20 messages per second, bucket of 5: a burst of 60 is mostly refused at first.
                     .type(new DeviceType("slow-sealer", List.of("telemetry.${line}.>"), List.of(), List.of(),
                             new DeviceLimits(20, 5, null, null, null, null)))
                     .device("limited-1", "slow-sealer", "line1")
                     .start();
             DeviceClient client = DeviceClient.connect(DeviceClientOptions.builder().gatewayUri(gateway.wsUri())
                     .deviceId("limited-1").token(gateway.token("limited-1")).build())) {
            assertThat(client.awaitAuthenticated(Duration.ofSeconds(10))).isTrue();
            List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                acks.add(client.publish("telemetry.line1.limited-1.count", "{\"value\":" + i + "}"));
            }
            for (CompletableFuture<PublishAck> ack : acks) {
                assertThat(ack.get(30, TimeUnit.SECONDS).stream()).isEqualTo("TELEMETRY");
            }
            ClientMetrics metrics = client.metrics();
            System.out.printf("RATE_LIMIT burst of %d at 20/s (bucket 5): all acknowledged, %d re-sends%n", BURST,
                    metrics.retried());
            assertThat(metrics.retried()).as("the gateway refused some with RATE_LIMIT").isPositive();
            assertThat(metrics.acknowledged()).isEqualTo(BURST);
            assertThat(metrics.refusedPermanently()).isZero();
            assertThat(metrics.queued()).isZero();
            assertStoredOnce(nats, "telemetry.line1.limited-1.>", client);
        }
    }

    @Test
    void verifiesThatPublishesDuringANatsOutageAreAllAcknowledgedAndStoredOnceAfterNatsReturns() throws Exception {
        try (NatsFixture nats = NatsFixture.start();
             GatewayFixture gateway = new GatewayFixture(nats.url())
                     .with("JETSTREAM_PUBLISH_TIMEOUT_MS", "2000")
                     .device("outage-1", "sealer", "line1")
                     .start();
             DeviceClient client = DeviceClient.connect(DeviceClientOptions.builder().gatewayUri(gateway.wsUri())
                     .deviceId("outage-1").token(gateway.token("outage-1"))
                     .reconnect(Duration.ofMillis(200), Duration.ofSeconds(1), 0.25).build())) {
            assertThat(client.awaitAuthenticated(Duration.ofSeconds(10))).isTrue();
            List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                acks.add(client.publish("telemetry.line1.outage-1.count", "{\"value\":" + i + "}"));
            }
            nats.server().stop(); // while some of those may still be on their way
            await().atMost(Duration.ofSeconds(10)).until(() -> !gateway.server().bridge().isConnected());
            for (int i = 20; i < 40; i++) {
                acks.add(client.publish("telemetry.line1.outage-1.count", "{\"value\":" + i + "}"));
            }
            // The gateway answers UNAVAILABLE; the client holds the publishes and probes again.
            await().atMost(Duration.ofSeconds(10)).until(() -> client.metrics().retried() > 0);
            assertThat(client.isAuthenticated()).as("the connection to the gateway stays up").isTrue();
            assertThat(acks.get(acks.size() - 1)).isNotDone();

            nats.server().start();
            for (CompletableFuture<PublishAck> ack : acks) {
                assertThat(ack.get(30, TimeUnit.SECONDS).stream()).isEqualTo("TELEMETRY");
            }
            ClientMetrics metrics = client.metrics();
            assertThat(metrics.acknowledged()).isEqualTo(40);
            assertThat(metrics.refusedPermanently()).isZero();
            assertThat(metrics.reconnects()).isZero();
            assertStoredOnce(nats, "telemetry.line1.outage-1.>", client);
        }
    }

    private static void assertStoredOnce(NatsFixture nats, String subjects, DeviceClient client) throws Exception {
        Map<String, Integer> counts = StoredMessages.correlationIdCounts(nats.observer(), subjects);
        assertThat(counts).hasSize((int) client.metrics().published());
        assertThat(counts.values()).allMatch(n -> n == 1);
        assertThat(counts.keySet()).allMatch(id -> id.startsWith(client.bootId() + "-"));
    }
}
