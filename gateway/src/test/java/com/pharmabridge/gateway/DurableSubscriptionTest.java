package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import io.nats.client.JetStreamApiException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Durable subscriptions: commands sent while a device is away arrive when it returns, acked once by the device. */
class DurableSubscriptionTest {
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .with("JETSTREAM_DURABLE_ACK_WAIT_SECONDS", "1")
                .device("sealer-offline", "sealer", "line1")
                .device("sealer-slow", "sealer", "line1")
                .device("sealer-leaving", "sealer", "line1")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        nats.close();
    }

    @Test
    void commandPublishedWhileDeviceWasOfflineIsDeliveredWhenItReturnsAndAckedOnce() throws Exception {
        String subject = "commands.line1.sealer-offline.>";
        try (WsDevice device = gateway.connect("sealer-offline")) {
            subscribeDurably(device, subject, "s1");
        }
        nats.observer().jetStream().publish("commands.line1.sealer-offline.calibrate",
                "{\"action\":\"calibrate\",\"targetTemp\":185.0}".getBytes(StandardCharsets.UTF_8));

        try (WsDevice device = gateway.connect("sealer-offline")) {
            subscribeDurably(device, subject, "s2");
            JsonNode command = device.awaitType(3);
            assertThat(command.path("subject").asText()).isEqualTo("commands.line1.sealer-offline.calibrate");
            assertThat(command.path("payload").path("targetTemp").asDouble()).isEqualTo(185.0);
            String ackId = command.path("ackId").asText();
            assertThat(ackId).isNotBlank();
            device.send("{\"type\":6,\"payload\":{\"ackId\":\"" + ackId + "\"}}");
            // The ack is confirmed by JetStream: nothing pending for this consumer any more.
            String consumer = consumerFor("sealer-offline");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                    nats.observer().jetStreamManagement().getConsumerInfo("COMMANDS", consumer).getNumAckPending() == 0);
        }
        try (WsDevice device = gateway.connect("sealer-offline")) {
            subscribeDurably(device, subject, "s3");
            device.assertNothing(m -> m.path("type").asInt() == 3, Duration.ofMillis(2500));
        }
    }

    @Test
    void unacknowledgedDeliveryIsRedeliveredAfterTheAckWait() throws Exception {
        try (WsDevice device = gateway.connect("sealer-slow")) {
            subscribeDurably(device, "commands.line1.sealer-slow.>", "s1");
            nats.observer().jetStream().publish("commands.line1.sealer-slow.stop",
                    "{\"action\":\"stop\"}".getBytes(StandardCharsets.UTF_8));
            JsonNode first = device.awaitType(3);
            JsonNode again = device.awaitType(3);
            assertThat(again.path("subject").asText()).isEqualTo(first.path("subject").asText());
            assertThat(again.path("ackId").asText()).isNotEqualTo(first.path("ackId").asText());
            device.send("{\"type\":6,\"payload\":{\"ackId\":\"" + again.path("ackId").asText() + "\"}}");
            // An unknown ackId is refused with a code, not ignored.
            device.send("{\"type\":6,\"correlationId\":\"bad-ack\",\"payload\":{\"ackId\":\"nope\"}}");
            assertThat(device.awaitCorrelation("bad-ack").path("payload").path("code").asText())
                    .isEqualTo("INVALID_MESSAGE");
        }
    }

    @Test
    void unsubscribingDeletesTheDurableConsumerButDisconnectingKeepsIt() throws Exception {
        String subject = "commands.line1.sealer-leaving.>";
        try (WsDevice device = gateway.connect("sealer-leaving")) {
            subscribeDurably(device, subject, "s1");
        }
        String consumer = consumerFor("sealer-leaving");
        assertThat(nats.observer().jetStreamManagement().getConsumerInfo("COMMANDS", consumer)).isNotNull();
        try (WsDevice device = gateway.connect("sealer-leaving")) {
            subscribeDurably(device, subject, "s2");
            device.send("{\"type\":2,\"subject\":\"" + subject + "\",\"correlationId\":\"u1\"}");
            assertThat(device.awaitCorrelation("u1").path("payload").path("message").asText()).isEqualTo("Unsubscribed");
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThatThrownBy(() -> nats.observer().jetStreamManagement().getConsumerInfo("COMMANDS", consumer))
                        .isInstanceOf(JetStreamApiException.class));
    }

    @Test
    void durableSubscriptionOutsideAnyStreamIsRefused() throws Exception {
        try (WsDevice device = gateway.connect("sealer-slow")) {
            device.send("{\"type\":1,\"subject\":\"x.a\",\"correlationId\":\"d1\",\"payload\":{\"durable\":true}}");
            JsonNode error = device.awaitCorrelation("d1");
            assertThat(error.path("type").asInt()).isEqualTo(7);
            assertThat(error.path("payload").path("code").asText()).isEqualTo("INVALID_SUBJECT");
        }
    }

    private static void subscribeDurably(WsDevice device, String subject, String correlationId) throws Exception {
        device.send("{\"type\":1,\"subject\":\"" + subject + "\",\"correlationId\":\"" + correlationId
                + "\",\"payload\":{\"durable\":true}}");
        JsonNode ack = device.awaitCorrelation(correlationId);
        assertThat(ack.path("type").asInt()).as(ack.toString()).isEqualTo(6);
    }

    private static String consumerFor(String deviceId) throws Exception {
        return nats.observer().jetStreamManagement().getConsumerNames("COMMANDS").stream()
                .filter(name -> name.startsWith("dev_" + deviceId.replace('-', '-') + "_"))
                .findFirst().orElseThrow();
    }
}
