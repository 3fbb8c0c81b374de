package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import io.nats.client.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Subscribe (1), Unsubscribe (2) and delivered Messages (3) per PROTOCOL.md. The fixture's {@code sealer} may subscribe
 * inside {@code commands.${line}.*}, {@code commands.${line}.${deviceId}.>} and {@code x.*}, never to
 * {@code commands.*.secret}.
 */
class SubscribeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url());
        for (int i = 1; i <= 15; i++) {
            gateway.device("sub-sealer-" + i, "sealer", "line1");
        }
        gateway.device("sub-hmi-1", "hmi", "line1").start();
    }

    @AfterAll
    static void stop() throws Exception {
        GatewayFixture.closeAll(gateway, nats);
    }

    @Test
    void subscribeIsAckedWithSubjectCorrelationIdSuccessAndSubscribed() throws Exception {
        try (WsDevice device = gateway.connect("sub-sealer-1")) {
            device.send("{\"type\":1,\"subject\":\"commands.line1.start\",\"correlationId\":\"s1\"}");
            JsonNode ack = device.awaitCorrelation("s1");
            assertThat(ack.path("type").asInt()).isEqualTo(6);
            assertThat(ack.path("subject").asText()).isEqualTo("commands.line1.start");
            assertThat(ack.path("correlationId").asText()).isEqualTo("s1");
            assertThat(ack.path("payload").path("success").asBoolean()).isTrue();
            assertThat(ack.path("payload").path("message").asText()).isEqualTo("Subscribed");

            // Inside the device's own subtree: a '>' subscription is fine there.
            device.send("{\"type\":1,\"subject\":\"commands.line1.sub-sealer-1.>\",\"correlationId\":\"s2\"}");
            assertAck(device.awaitCorrelation("s2"), "commands.line1.sub-sealer-1.>", "Subscribed");
        }
    }

    @Test
    void natsMessageOnMatchingSubjectArrivesAsMessageWithSubjectJsonPayloadAndTimestamp() throws Exception {
        try (WsDevice device = gateway.connect("sub-sealer-2")) {
            subscribe(device, "commands.line1.sub-sealer-2.>", "s1");
            awaitLive(device, nats.observer(), "commands.line1.sub-sealer-2.probe");
            Instant before = Instant.now().minusSeconds(1);
            String data = "{\"action\":\"calibrate\",\"targetTemp\":185.0,\"zones\":[\"upper\",\"lower\"],\"ok\":true}";
            Connection observer = nats.observer();
            observer.publish("commands.line1.sub-sealer-2.calibrate", data.getBytes(StandardCharsets.UTF_8));
            observer.flush(Duration.ofSeconds(2));

            JsonNode message = device.await(onSubject("commands.line1.sub-sealer-2.calibrate"));
            assertThat(message.path("type").asInt()).isEqualTo(3);
            assertThat(message.path("payload")).isEqualTo(JSON.readTree(data));
            assertThat(message.path("payload").isObject()).isTrue();
            assertThat(Instant.parse(message.path("timestamp").asText())).isBetween(before, Instant.now().plusSeconds(1));
            // Published by a plain NATS client, not a device, and nobody waits for a reply.
            assertThat(message.has("deviceId")).isFalse();
            assertThat(message.has("replyTo")).isFalse();
            assertThat(message.has("ackId")).isFalse();
        }
    }

    @Test
    void nonJsonDataArrivesAsJsonString() throws Exception {
        try (WsDevice device = gateway.connect("sub-sealer-3")) {
            subscribe(device, "x.text", "s1");
            awaitLive(device, nats.observer(), "x.text");
            nats.observer().publish("x.text", "hello".getBytes(StandardCharsets.UTF_8));
            nats.observer().flush(Duration.ofSeconds(2));
            JsonNode message = device.await(onSubject("x.text"));
            assertThat(message.path("type").asInt()).isEqualTo(3);
            assertThat(message.path("payload").isTextual()).isTrue();
            assertThat(message.path("payload").asText()).isEqualTo("hello");
        }
    }

    /**
     * Deliveries are handed to the event loop in batches and written without a flush each: a burst to one device
     * must still arrive whole, one envelope per NATS message, in publishing order, JSON and non-JSON data alike.
     */
    @Test
    void burstOfMessagesToOneDeviceArrivesCompleteAndInOrder() throws Exception {
        try (WsDevice device = gateway.connect("sub-sealer-13")) {
            subscribe(device, "x.burst", "s1");
            awaitLive(device, nats.observer(), "x.burst");
            Connection observer = nats.observer();
            int bursts = 3;
            int perBurst = 500;
            for (int b = 0; b < bursts; b++) {
                for (int i = b * perBurst; i < (b + 1) * perBurst; i++) {
                    String data = i % 3 == 0 ? "plain \"text\" " + i + "\n\u00e9"
                            : "{\"n\":" + i + ",\"pad\":\"" + "x".repeat(i % 97) + "\"}";
                    observer.publish("x.burst", data.getBytes(StandardCharsets.UTF_8));
                }
                observer.flush(Duration.ofSeconds(2));
                for (int i = b * perBurst; i < (b + 1) * perBurst; i++) {
                    JsonNode message = device.await(m -> m.path("type").asInt() == 3
                            && "x.burst".equals(m.path("subject").asText())
                            && !m.path("payload").path("probe").asBoolean(false));
                    if (i % 3 == 0) {
                        assertThat(message.path("payload").asText()).isEqualTo("plain \"text\" " + i + "\n\u00e9");
                    } else {
                        assertThat(message.path("payload").path("n").asInt()).as("message %d", i).isEqualTo(i);
                        assertThat(message.path("payload").path("pad").asText()).hasSize(i % 97);
                    }
                }
            }
            device.assertNothing(m -> m.path("type").asInt() == 4, Duration.ofMillis(200));
        }
    }

    /**
     * Devices subscribed to the same subject share one NATS subscription: each still gets every message, and one
     * device leaving (unsubscribing, or disconnecting) does not end the others' deliveries.
     */
    @Test
    void devicesOnTheSameSubjectEachGetEveryMessageWhileOthersComeAndGo() throws Exception {
        Connection observer = nats.observer();
        try (WsDevice first = gateway.connect("sub-sealer-14")) {
            subscribe(first, "x.shared", "s1");
            awaitLive(first, observer, "x.shared");
            try (WsDevice second = gateway.connect("sub-sealer-15")) {
                subscribe(second, "x.shared", "s2");
                awaitLive(second, observer, "x.shared");
                observer.publish("x.shared", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
                observer.flush(Duration.ofSeconds(2));
                assertThat(first.await(onSubject("x.shared")).path("payload").path("n").asInt()).isEqualTo(1);
                assertThat(second.await(onSubject("x.shared")).path("payload").path("n").asInt()).isEqualTo(1);

                first.send("{\"type\":2,\"subject\":\"x.shared\",\"correlationId\":\"u1\"}");
                assertAck(first.awaitCorrelation("u1"), "x.shared", "Unsubscribed");
                observer.publish("x.shared", "{\"n\":2}".getBytes(StandardCharsets.UTF_8));
                observer.flush(Duration.ofSeconds(2));
                assertThat(second.await(onSubject("x.shared")).path("payload").path("n").asInt()).isEqualTo(2);
                first.assertNothing(onSubject("x.shared"), Duration.ofMillis(300));

                subscribe(first, "x.shared", "s3");
            }
            // The second device disconnected; the first, subscribed again, still receives.
            observer.publish("x.shared", "{\"n\":3}".getBytes(StandardCharsets.UTF_8));
            observer.flush(Duration.ofSeconds(2));
            assertThat(first.await(onSubject("x.shared")).path("payload").path("n").asInt()).isEqualTo(3);
        }
    }

    @Test
    void messagePublishedByAnotherDeviceCarriesThatDevicesIdNotAForgedOne() throws Exception {
        try (WsDevice sealer = gateway.connect("sub-sealer-4");
             WsDevice hmi = gateway.connect("sub-hmi-1")) {
            subscribe(sealer, "commands.line1.stop", "s1");
            awaitLive(sealer, nats.observer(), "commands.line1.stop");
            hmi.send("{\"type\":0,\"subject\":\"commands.line1.stop\",\"payload\":{\"action\":\"stop\"},"
                    + "\"correlationId\":\"p1\",\"deviceId\":\"forged-device\"}");
            JsonNode ack = hmi.awaitCorrelation("p1");
            assertThat(ack.path("type").asInt()).as("publish answer %s", ack).isEqualTo(6);

            JsonNode message = sealer.await(onSubject("commands.line1.stop"));
            assertThat(message.path("type").asInt()).isEqualTo(3);
            assertThat(message.path("deviceId").asText()).isEqualTo("sub-hmi-1");
            assertThat(message.path("payload")).isEqualTo(JSON.readTree("{\"action\":\"stop\"}"));
            // The publishing device used Publish (0): it waits for no reply from subscribers, so there is no replyTo.
            assertThat(message.has("replyTo")).as("replyTo on %s", message).isFalse();
        }
    }

    @Test
    void subscriptionIsInEffectAtNatsOnceAcked() throws Exception {
        // Ack (6) means "operation done": a message published on the subject right after the Ack must arrive.
        // A fresh session each round: the first subscription of a session is where the Ack most easily wins the race.
        Connection observer = nats.observer();
        for (int i = 0; i < 25; i++) {
            try (WsDevice device = gateway.connect("sub-sealer-5")) {
                String subject = "commands.line1.sub-sealer-5.k" + i;
                subscribe(device, subject, "k" + i);
                observer.publish(subject, ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                observer.flush(Duration.ofSeconds(2));
                JsonNode message;
                try {
                    message = device.await(onSubject(subject), Duration.ofSeconds(3));
                } catch (AssertionError lost) {
                    throw new AssertionError("Message published right after Subscribe ack #" + i + " (" + subject
                            + ") was never delivered: the Ack came before nats-server had the subscription", lost);
                }
                assertThat(message.path("payload").path("i").asInt()).isEqualTo(i);
            }
        }
    }

    @Test
    void wildcardEscalationBeyondGrantIsNotAuthorizedWhileNarrowerSubjectIsAllowed() throws Exception {
        try (WsDevice device = gateway.connect("sub-sealer-6")) {
            // Granted x.*: x.> could receive x.a.b and deeper, which x.* never allows.
            device.send("{\"type\":1,\"subject\":\"x.>\",\"correlationId\":\"esc\"}");
            JsonNode refused = device.awaitCorrelation("esc");
            AuthTest.assertError(refused, "NOT_AUTHORIZED");
            assertThat(refused.path("subject").asText()).isEqualTo("x.>");

            device.send("{\"type\":1,\"subject\":\"x.a\",\"correlationId\":\"ok\"}");
            assertAck(device.awaitCorrelation("ok"), "x.a", "Subscribed");
            device.send("{\"type\":1,\"subject\":\"x.*\",\"correlationId\":\"same\"}");
            assertAck(device.awaitCorrelation("same"), "x.*", "Subscribed");
            awaitLive(device, nats.observer(), "x.a");

            // Nothing of the refused subscription was set up: a deeper subject does not arrive.
            nats.observer().publish("x.a.deep", "{}".getBytes(StandardCharsets.UTF_8));
            nats.observer().publish("x.a", "{\"marker\":true}".getBytes(StandardCharsets.UTF_8));
            nats.observer().flush(Duration.ofSeconds(2));
            device.await(onSubject("x.a"));
            device.assertNothing(onSubject("x.a.deep"), Duration.ofMillis(300));
        }
    }

    @Test
    void subscriptionsWiderThanCommandsLineStarAreRefused() throws Exception {
        try (WsDevice device = gateway.connect("sub-sealer-7")) {
            for (String wider : new String[]{"commands.line1.>", "commands.>", "commands.*.start", "commands.line2.start"}) {
                String id = "w-" + wider;
                device.send("{\"type\":1,\"subject\":\"" + wider + "\",\"correlationId\":\"" + id + "\"}");
                AuthTest.assertError(device.awaitCorrelation(id), "NOT_AUTHORIZED");
            }
            device.send("{\"type\":1,\"subject\":\"commands.line1.start\",\"correlationId\":\"inside\"}");
            assertAck(device.awaitCorrelation("inside"), "commands.line1.start", "Subscribed");
        }
    }

    @Test
    void subscriptionOverlappingADenyPatternIsRefused() throws Exception {
        try (WsDevice device = gateway.connect("sub-sealer-8")) {
            // commands.line1.* is granted, but it would also receive commands.line1.secret (deny commands.*.secret).
            device.send("{\"type\":1,\"subject\":\"commands.line1.*\",\"correlationId\":\"d1\"}");
            AuthTest.assertError(device.awaitCorrelation("d1"), "NOT_AUTHORIZED");
            device.send("{\"type\":1,\"subject\":\"commands.line1.secret\",\"correlationId\":\"d2\"}");
            AuthTest.assertError(device.awaitCorrelation("d2"), "NOT_AUTHORIZED");

            nats.observer().publish("commands.line1.secret", "{\"pin\":1234}".getBytes(StandardCharsets.UTF_8));
            nats.observer().flush(Duration.ofSeconds(2));
            device.assertNothing(m -> m.path("type").asInt() == 3, Duration.ofMillis(300));
        }
    }

    @Test
    void systemAndInboxSubjectsAreRefused() throws Exception {
        try (WsDevice device = gateway.connect("sub-sealer-9")) {
            device.send("{\"type\":1,\"subject\":\"$JS.API.>\",\"correlationId\":\"js\"}");
            JsonNode js = device.awaitCorrelation("js");
            assertThat(js.path("type").asInt()).isEqualTo(7);
            // '$' is outside the subject alphabet, so INVALID_SUBJECT is as right as NOT_AUTHORIZED: it must be refused.
            assertThat(js.path("payload").path("code").asText()).isIn("NOT_AUTHORIZED", "INVALID_SUBJECT");
            for (String reserved : new String[]{"_INBOX.>", "_INBOX.*", ">", "*.line1.start"}) {
                device.send("{\"type\":1,\"subject\":\"" + reserved + "\",\"correlationId\":\"r-" + reserved + "\"}");
                AuthTest.assertError(device.awaitCorrelation("r-" + reserved), "NOT_AUTHORIZED");
            }
            nats.observer().publish("_INBOX.someone.1", "{\"secret\":true}".getBytes(StandardCharsets.UTF_8));
            nats.observer().flush(Duration.ofSeconds(2));
            device.assertNothing(m -> m.path("type").asInt() == 3, Duration.ofMillis(300));
            device.send("{\"type\":9,\"correlationId\":\"alive\"}");
            assertThat(device.awaitCorrelation("alive").path("type").asInt()).isEqualTo(10);
        }
    }

    @Test
    void malformedSubjectsAreInvalidSubject() throws Exception {
        try (WsDevice device = gateway.connect("sub-sealer-10")) {
            String[] invalid = {"x..a", "a..b", "a.>.b", ".x.a", "x.a.", "x.a*", "x.>a", "x.a b", "x.\u00e9"};
            for (int i = 0; i < invalid.length; i++) {
                device.send("{\"type\":1,\"subject\":" + JSON.writeValueAsString(invalid[i]) + ",\"correlationId\":\"i"
                        + i + "\"}");
                JsonNode error = device.awaitCorrelation("i" + i);
                assertThat(error.path("payload").path("code").asText()).as("subject '%s'", invalid[i])
                        .isEqualTo("INVALID_SUBJECT");
                AuthTest.assertError(error, "INVALID_SUBJECT");
            }
            device.send("{\"type\":1,\"correlationId\":\"none\"}");
            JsonNode missing = device.awaitCorrelation("none");
            assertThat(missing.path("type").asInt()).isEqualTo(7);
            assertThat(missing.path("payload").path("code").asText()).isIn("INVALID_SUBJECT", "INVALID_MESSAGE");
            assertThat(device.isClosed()).isFalse();
        }
    }

    @Test
    void subscribingTwiceIsNotAnErrorAndDeliversOnce() throws Exception {
        try (WsDevice device = gateway.connect("sub-sealer-11")) {
            subscribe(device, "x.twice", "t1");
            subscribe(device, "x.twice", "t2");
            awaitLive(device, nats.observer(), "x.twice");
            nats.observer().publish("x.twice", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
            nats.observer().flush(Duration.ofSeconds(2));
            device.await(onSubject("x.twice"));
            device.assertNothing(onSubject("x.twice"), Duration.ofMillis(300));
        }
    }

    @Test
    void unsubscribeIsAckedAndNothingIsDeliveredAfterwards() throws Exception {
        try (WsDevice device = gateway.connect("sub-sealer-12")) {
            subscribe(device, "x.gone", "s1");
            subscribe(device, "x.kept", "s2");
            awaitLive(device, nats.observer(), "x.gone");
            awaitLive(device, nats.observer(), "x.kept");
            Connection observer = nats.observer();
            observer.publish("x.gone", "{\"before\":true}".getBytes(StandardCharsets.UTF_8));
            observer.flush(Duration.ofSeconds(2));
            device.await(onSubject("x.gone"));

            device.send("{\"type\":2,\"subject\":\"x.gone\",\"correlationId\":\"u1\"}");
            assertAck(device.awaitCorrelation("u1"), "x.gone", "Unsubscribed");

            observer.publish("x.gone", "{\"after\":true}".getBytes(StandardCharsets.UTF_8));
            observer.publish("x.kept", "{\"marker\":true}".getBytes(StandardCharsets.UTF_8));
            observer.flush(Duration.ofSeconds(2));
            device.await(onSubject("x.kept"));
            // The gateway's subscriptions may sit on different dispatchers: give a late x.gone a moment to show up.
            device.assertNothing(onSubject("x.gone"), Duration.ofMillis(300));

            // Unsubscribing again (or from something never subscribed) is answered the same way.
            device.send("{\"type\":2,\"subject\":\"x.gone\",\"correlationId\":\"u2\"}");
            assertAck(device.awaitCorrelation("u2"), "x.gone", "Unsubscribed");
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private static void subscribe(WsDevice device, String subject, String correlationId) throws Exception {
        device.send("{\"type\":1,\"subject\":\"" + subject + "\",\"correlationId\":\"" + correlationId + "\"}");
        assertAck(device.awaitCorrelation(correlationId), subject, "Subscribed");
    }

    private static void assertAck(JsonNode ack, String subject, String message) {
        assertThat(ack.path("type").asInt()).as("answer %s", ack).isEqualTo(6);
        assertThat(ack.path("subject").asText()).isEqualTo(subject);
        assertThat(ack.path("payload").path("success").asBoolean()).isTrue();
        assertThat(ack.path("payload").path("message").asText()).isEqualTo(message);
    }

    /** A delivered Message (3) on this subject that is not one of {@link #awaitLive}'s probes. */
    static Predicate<JsonNode> onSubject(String subject) {
        return m -> m.path("type").asInt() == 3 && subject.equals(m.path("subject").asText())
                && !m.path("payload").path("probe").asBoolean(false);
    }

    /**
     * Waits until a subscription the gateway has acknowledged really receives messages, by publishing probes
     * ({@code {"probe":true}}) on {@code probeSubject} until one arrives. The gateway acks Subscribe before nats-server
     * has registered the subscription (see {@link #subscriptionIsInEffectAtNatsOnceAcked}); tests that are about
     * something else use this so that they do not fail on that race. Late probes are ignored by {@link #onSubject}.
     */
    static void awaitLive(WsDevice device, Connection observer, String probeSubject) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            observer.publish(probeSubject, "{\"probe\":true}".getBytes(StandardCharsets.UTF_8));
            observer.flush(Duration.ofSeconds(2));
            try {
                device.await(m -> m.path("type").asInt() == 3 && probeSubject.equals(m.path("subject").asText())
                        && m.path("payload").path("probe").asBoolean(false), Duration.ofMillis(250));
                return;
            } catch (AssertionError notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Subscription never became live for " + probeSubject, notYet);
                }
            }
        }
    }
}
