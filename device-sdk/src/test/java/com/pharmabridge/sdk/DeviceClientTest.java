package com.pharmabridge.sdk;

import com.pharmabridge.gateway.registry.DeviceType;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The client against a real gateway and nats-server. */
class DeviceClientTest {
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .with("JETSTREAM_DURABLE_ACK_WAIT_SECONDS", "1")
                .type(new DeviceType("asker", List.of("x.>"), List.of(), List.of()))
                .device("sdk-pub", "sealer", "line1")
                .device("sdk-sub", "sealer", "line1")
                .device("sdk-durable", "sealer", "line1")
                .device("sdk-responder", "sealer", "line1")
                .device("sdk-asker", "asker", "line1")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        nats.close();
    }

    static DeviceClient client(String id, ConnectionListener listener) throws InterruptedException {
        DeviceClient client = DeviceClient.connect(DeviceClientOptions.builder().gatewayUri(gateway.wsUri())
                .deviceId(id).token(gateway.token(id)).listener(listener).build());
        assertThat(client.awaitAuthenticated(Duration.ofSeconds(10))).isTrue();
        return client;
    }

    @Test
    void verifiesThatAPublishIsAckedWithTheTelemetryStreamAndTheListenerSeesAuthentication() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (DeviceClient client = client("sdk-pub", listener)) {
            PublishAck ack = client.publish("telemetry.line1.sdk-pub.temperature", "{\"value\":185.5,\"unit\":\"C\"}")
                    .get(10, TimeUnit.SECONDS);
            assertThat(ack.stream()).isEqualTo("TELEMETRY");
            assertThat(ack.seq()).isPositive();
            assertThat(ack.duplicate()).isFalse();
            assertThat(client.pendingPublishes()).isZero();
            assertThat(listener.events).contains(ConnectionListener.Event.CONNECTED,
                    ConnectionListener.Event.AUTHENTICATED);
        }
        assertThat(listener.events).contains(ConnectionListener.Event.CLOSED);
    }

    @Test
    void verifiesThatARefusedPublishFailsWithTheWireCode() throws Exception {
        try (DeviceClient client = client("sdk-pub", new RecordingListener())) {
            assertThatThrownBy(() -> client.publish("commands.line1.x", "{\"value\":1}").get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(DeviceException.class)
                    .extracting(e -> ((DeviceException) e).code()).isEqualTo("NOT_AUTHORIZED");
            assertThatThrownBy(() -> client.publish("telemetry.line1.sdk-pub.t", "{\"unit\":\"C\"}")
                    .get(10, TimeUnit.SECONDS))
                    .cause().extracting(e -> ((DeviceException) e).code()).isEqualTo("INVALID_MESSAGE");
            assertThat(client.pendingPublishes()).isZero();
        }
    }

    @Test
    void verifiesThatASubscriptionReceivesMessages() throws Exception {
        List<IncomingMessage> got = new CopyOnWriteArrayList<>();
        try (DeviceClient client = client("sdk-sub", new RecordingListener())) {
            Subscription sub = client.subscribe("x.*", got::add);
            sub.ready().get(10, TimeUnit.SECONDS);
            nats.observer().publish("x.hello", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(10)).until(() -> !got.isEmpty());
            assertThat(got.get(0).subject()).isEqualTo("x.hello");
            assertThat(got.get(0).payload()).isEqualTo("{\"n\":1}");
            assertThat(got.get(0).expectsReply()).isFalse();
        }
    }

    @Test
    void verifiesThatADurableDeliveryIsAckedOnlyAfterTheHandlerReturnsNormally() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (DeviceClient client = client("sdk-durable", new RecordingListener())) {
            Subscription sub = client.subscribeDurable("commands.line1.sdk-durable.>", m -> {
                if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("not yet"); // first delivery refused: must come again
                }
            });
            sub.ready().get(10, TimeUnit.SECONDS);
            nats.observer().jetStream().publish("commands.line1.sdk-durable.calibrate",
                    "{\"action\":\"calibrate\"}".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(15)).until(() -> calls.get() >= 2);
            String consumer = nats.observer().jetStreamManagement().getConsumerNames("COMMANDS").stream()
                    .filter(n -> n.startsWith("dev_sdk-durable_")).findFirst().orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> nats.observer().jetStreamManagement()
                    .getConsumerInfo("COMMANDS", consumer).getNumAckPending() == 0);
            assertThat(calls.get()).isEqualTo(2);
        }
    }

    @Test
    void verifiesThatRequestAndReplyWorkBetweenTwoClients() throws Exception {
        try (DeviceClient responder = client("sdk-responder", new RecordingListener());
             DeviceClient asker = client("sdk-asker", new RecordingListener())) {
            responder.subscribe("x.*", m -> {
                if (m.expectsReply()) {
                    m.reply("{\"echo\":" + m.payload() + "}");
                }
            }).ready().get(10, TimeUnit.SECONDS);
            String answer = asker.request("x.config", "{\"q\":42}", Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            assertThat(answer).isEqualTo("{\"echo\":{\"q\":42}}");
            assertThatThrownBy(() -> asker.request("x.nobody.here", "{}", Duration.ofSeconds(2))
                    .get(10, TimeUnit.SECONDS))
                    .cause().extracting(e -> ((DeviceException) e).code()).isEqualTo("NO_RESPONDERS");
        }
    }

    @Test
    void verifiesThatOptionsAreValidatedWithClearMessages() {
        assertThatThrownBy(() -> DeviceClientOptions.builder().deviceId("d").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gatewayUri");
        assertThatThrownBy(() -> DeviceClientOptions.builder().gatewayUri("http://h/ws").deviceId("d").build())
                .hasMessageContaining("ws://");
        assertThatThrownBy(() -> DeviceClientOptions.builder().gatewayUri("ws://h/ws").build())
                .hasMessageContaining("deviceId");
        assertThatThrownBy(() -> DeviceClientOptions.builder().gatewayUri("ws://h/ws").deviceId("d")
                .maxInFlight(0).build()).hasMessageContaining("maxInFlight");
        assertThatThrownBy(() -> DeviceClientOptions.builder().gatewayUri("ws://h/ws").deviceId("d")
                .reconnect(Duration.ofSeconds(5), Duration.ofSeconds(1), 0.25).build())
                .hasMessageContaining("shorter");
        assertThatThrownBy(() -> DeviceClientOptions.builder().gatewayUri("ws://h/ws").deviceId("d")
                .heartbeatInterval(Duration.ofSeconds(5)).heartbeatTimeout(Duration.ofSeconds(5)).build())
                .hasMessageContaining("heartbeatTimeout");
        assertThat(DeviceClientOptions.builder().gatewayUri("ws://h/ws").deviceId("d")
                .heartbeatInterval(Duration.ofSeconds(5)).build().heartbeatTimeout())
                .isEqualTo(Duration.ofSeconds(20));
        DeviceClientOptions defaults = DeviceClientOptions.builder().gatewayUri("ws://h/ws").deviceId("d").build();
        assertThat(defaults.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.reconnectMax()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.heartbeatInterval()).isEqualTo(Duration.ofSeconds(20));
        assertThat(defaults.maxInFlight()).isEqualTo(64);
        assertThat(defaults.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(50));
        assertThat(defaults.resources()).isNull();
    }

    @Test
    void verifiesThatTheJournalIsExpiredEveryTenthOfItsMaxAgeBetweenOneAndSixtySeconds() {
        assertThat(DeviceClient.expiryInterval(Duration.ofMillis(500))).isEqualTo(Duration.ofSeconds(1));
        assertThat(DeviceClient.expiryInterval(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(3));
        assertThat(DeviceClient.expiryInterval(Duration.ofDays(7))).isEqualTo(Duration.ofSeconds(60));
    }
}
