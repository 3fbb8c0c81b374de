package com.pharmabridge.sdk;

import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.StoredMessages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The client across a gateway restart on the same port. */
class ReconnectTest {
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url()).device("sdk-gap", "sealer", "line1").start();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        nats.close();
    }

    @Test
    void verifiesThatPublishesMadeWhileTheGatewayIsDownAreStoredOnceAndSubscriptionsComeBack() throws Exception {
        RecordingListener listener = new RecordingListener();
        List<IncomingMessage> got = new CopyOnWriteArrayList<>();
        int port = gateway.port();
        try (DeviceClient client = DeviceClient.connect(DeviceClientOptions.builder().gatewayUri(gateway.wsUri())
                .deviceId("sdk-gap").token(gateway.token("sdk-gap")).listener(listener)
                .reconnect(Duration.ofMillis(100), Duration.ofMillis(500), 0.25).build())) {
            assertThat(client.awaitAuthenticated(Duration.ofSeconds(10))).isTrue();
            client.subscribe("x.*", got::add).ready().get(10, TimeUnit.SECONDS);
            client.publish("telemetry.line1.sdk-gap.t", "{\"value\":0}").get(10, TimeUnit.SECONDS);

            gateway.server().close();
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.isAuthenticated());
            List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                acks.add(client.publish("telemetry.line1.sdk-gap.t", "{\"value\":" + i + "}"));
            }
            assertThat(client.pendingPublishes()).isEqualTo(20);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> listener.events.contains(ConnectionListener.Event.RECONNECTING));

            gateway.startOnPort(port);
            assertThat(client.awaitAuthenticated(Duration.ofSeconds(15))).isTrue();
            for (CompletableFuture<PublishAck> ack : acks) {
                assertThat(ack.get(15, TimeUnit.SECONDS).stream()).isEqualTo("TELEMETRY");
            }
            assertThat(client.pendingPublishes()).isZero();
            Map<String, Integer> counts = StoredMessages.correlationIdCounts(nats.observer(),
                    "telemetry.line1.sdk-gap.>");
            assertThat(counts).hasSize(21);
            assertThat(counts.values()).allMatch(n -> n == 1);
            assertThat(counts.keySet()).allMatch(id -> id.startsWith(client.bootId() + "-"));

            // The subscription was re-established by the client itself.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                nats.observer().publish("x.after", "{}".getBytes(StandardCharsets.UTF_8));
                assertThat(got).anyMatch(m -> m.subject().equals("x.after"));
            });
            assertThat(listener.events).contains(ConnectionListener.Event.AUTHENTICATED,
                    ConnectionListener.Event.DISCONNECTED, ConnectionListener.Event.RECONNECTING);
        }
    }
}
