package com.pharmabridge.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.StoredMessages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Keep-alive: the client pings (type 9) on an idle connection and the gateway's Pongs keep it open; a connection that
 * goes silent, after authentication or before the Auth answer, is dropped and made again.
 */
class HeartbeatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .device("hb-idle", "sealer", "line1")
                .device("hb-frozen", "sealer", "line1")
                .device("hb-silent", "sealer", "line1")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        nats.close();
    }

    /** Records events with their details. */
    private static final class Events implements ConnectionListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(Event event, String detail) {
            seen.add(event + " " + detail);
        }

        long count(Event event) {
            return seen.stream().filter(s -> s.startsWith(event + " ")).count();
        }
    }

    private static DeviceClientOptions.Builder options(URI uri, String deviceId, Events events) {
        return DeviceClientOptions.builder().gatewayUri(uri).deviceId(deviceId).token(gateway.token(deviceId))
                .heartbeatInterval(INTERVAL).heartbeatTimeout(TIMEOUT)
                .reconnect(Duration.ofMillis(100), Duration.ofMillis(500), 0.25).listener(events);
    }

    private static JsonNode deviceInfo(String deviceId) throws Exception {
        return JSON.readTree(gateway.http("/devices/" + deviceId).body());
    }

    @Test
    void verifiesThatAnIdleClientPingsAndTheGatewaysPongsKeepTheConnectionOpen() throws Exception {
        Events events = new Events();
        try (DeviceClient client = DeviceClient.connect(options(gateway.wsUri(), "hb-idle", events).build())) {
            assertThat(client.awaitAuthenticated(Duration.ofSeconds(10))).isTrue();
            long inAtStart = deviceInfo("hb-idle").path("messagesIn").asLong();
            long outAtStart = deviceInfo("hb-idle").path("messagesOut").asLong();
            // Nothing is published: only Pings arrive. 20 of them span twice the heartbeat timeout.
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> deviceInfo("hb-idle").path("messagesIn").asLong() >= inAtStart + 20);
            assertThat(deviceInfo("hb-idle").path("messagesOut").asLong()).as("Pongs").isGreaterThan(outAtStart + 10);
            assertThat(client.isAuthenticated()).isTrue();
            assertThat(events.count(ConnectionListener.Event.DISCONNECTED)).isZero();
            assertThat(client.metrics().reconnects()).isZero();
        }
    }

    @Test
    void verifiesThatAConnectionThatGoesSilentIsDroppedAndMadeAgainAndWhatWasInFlightArrivesOnce() throws Exception {
        Events events = new Events();
        try (FreezableProxy proxy = new FreezableProxy(gateway.port());
             DeviceClient client = DeviceClient.connect(options(URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"),
                     "hb-frozen", events).build())) {
            assertThat(client.awaitAuthenticated(Duration.ofSeconds(10))).isTrue();
            client.publish("telemetry.line1.hb-frozen.t", "{\"value\":1}").get(10, TimeUnit.SECONDS);

            proxy.freezeExisting(); // the TCP connection stays open, nothing gets through any more
            CompletableFuture<PublishAck> sentIntoTheVoid = client.publish("telemetry.line1.hb-frozen.t",
                    "{\"value\":2}");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> events.count(ConnectionListener.Event.DISCONNECTED) >= 1);
            assertThat(events.seen).anyMatch(s -> s.startsWith("DISCONNECTED") && s.contains("no answer from gateway"));

            assertThat(sentIntoTheVoid.get(15, TimeUnit.SECONDS).stream()).isEqualTo("TELEMETRY");
            assertThat(client.isAuthenticated()).isTrue();
            assertThat(proxy.accepted()).isGreaterThanOrEqualTo(2);
            ClientMetrics metrics = client.metrics();
            assertThat(metrics.reconnects()).isEqualTo(1);
            assertThat(metrics.replayed()).as("the publish lost with the dead connection went out again").isEqualTo(1);
            Map<String, Integer> counts = StoredMessages.correlationIdCounts(nats.observer(),
                    "telemetry.line1.hb-frozen.>");
            assertThat(counts).hasSize(2);
            assertThat(counts.values()).allMatch(n -> n == 1);
        }
    }

    @Test
    void verifiesThatAServerThatAcceptsTheUpgradeButNeverAnswersAuthIsDroppedAndTriedAgain() throws Exception {
        Events events = new Events();
        try (SilentWebSocketServer silent = new SilentWebSocketServer();
             DeviceClient client = DeviceClient.connect(options(URI.create("ws://127.0.0.1:" + silent.port() + "/ws"),
                     "hb-silent", events).build())) {
            await().atMost(Duration.ofSeconds(15)).until(() -> silent.upgraded() >= 2);
            assertThat(client.isAuthenticated()).isFalse();
            assertThat(events.seen).anyMatch(s -> s.startsWith("CONNECTED"));
            assertThat(events.seen).anyMatch(s -> s.startsWith("DISCONNECTED") && s.contains("no answer to Auth"));
            assertThat(events.count(ConnectionListener.Event.RECONNECTING)).isPositive();
        }
    }
}
