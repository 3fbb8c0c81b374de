package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request (4) and Reply (5) per PROTOCOL.md: device → NATS responder, and a device answering a NATS request it received
 * as a Message with {@code replyTo}. The fixture's {@code sealer} may publish (and so request) to {@code config.line1.>}.
 */
class RequestReplyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static NatsFixture nats;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url());
        for (int i = 1; i <= 14; i++) {
            gateway.device("rr-sealer-" + i, "sealer", "line1");
        }
        gateway.device("rr-hmi", "hmi", "line1");
        gateway.start();
    }

    @AfterAll
    static void stop() throws Exception {
        GatewayFixture.closeAll(gateway, nats);
    }

    // ---- device asks, a NATS service answers ----------------------------------------------------------------------

    @Test
    void requestToANatsResponderGetsReplyWithSubjectCorrelationIdAndTheRespondersJson() throws Exception {
        Connection observer = nats.observer();
        String answer = "{\"recipe\":\"B2024-001\",\"sealTempC\":185.5,\"dwellMs\":[120,140]}";
        LinkedBlockingQueue<Message> asked = new LinkedBlockingQueue<>();
        Dispatcher responder = observer.createDispatcher(m -> {
            asked.add(m);
            observer.publish(m.getReplyTo(), answer.getBytes(StandardCharsets.UTF_8));
        });
        responder.subscribe("config.line1.sealer");
        observer.flush(Duration.ofSeconds(2));
        try (WsDevice device = gateway.connect("rr-sealer-1")) {
            device.send("{\"type\":4,\"subject\":\"config.line1.sealer\",\"payload\":{\"want\":\"recipe\"},"
                    + "\"correlationId\":\"r1\",\"timeoutMs\":5000}");
            JsonNode reply = device.awaitCorrelation("r1");
            assertThat(reply.path("type").asInt()).as("answer %s", reply).isEqualTo(5);
            assertThat(reply.path("subject").asText()).isEqualTo("config.line1.sealer");
            assertThat(reply.path("correlationId").asText()).isEqualTo("r1");
            assertThat(reply.path("payload")).isEqualTo(JSON.readTree(answer));

            Message request = asked.poll(5, TimeUnit.SECONDS);
            assertThat(request).isNotNull();
            assertThat(new String(request.getData(), StandardCharsets.UTF_8)).isEqualTo("{\"want\":\"recipe\"}");
            assertThat(request.getHeaders().getFirst("Device-Id")).isEqualTo("rr-sealer-1");
        } finally {
            observer.closeDispatcher(responder);
        }
    }

    @Test
    void requestWithoutTimeoutMsUsesTheDefaultAndIsAnswered() throws Exception {
        Connection observer = nats.observer();
        Dispatcher responder = observer.createDispatcher(m ->
                observer.publish(m.getReplyTo(), "{\"ok\":true}".getBytes(StandardCharsets.UTF_8)));
        responder.subscribe("config.line1.defaults");
        observer.flush(Duration.ofSeconds(2));
        try (WsDevice device = gateway.connect("rr-sealer-2")) {
            device.send("{\"type\":4,\"subject\":\"config.line1.defaults\",\"payload\":{},\"correlationId\":\"d1\"}");
            JsonNode reply = device.awaitCorrelation("d1");
            assertThat(reply.path("type").asInt()).as("answer %s", reply).isEqualTo(5);
            assertThat(reply.path("payload")).isEqualTo(JSON.readTree("{\"ok\":true}"));
        } finally {
            observer.closeDispatcher(responder);
        }
    }

    @Test
    void requestWithNoResponderGetsNoRespondersWithCorrelationId() throws Exception {
        try (WsDevice device = gateway.connect("rr-sealer-3")) {
            long started = System.nanoTime();
            device.send("{\"type\":4,\"subject\":\"config.line1.nobody\",\"payload\":{},\"correlationId\":\"nr1\","
                    + "\"timeoutMs\":5000}");
            JsonNode error = device.awaitCorrelation("nr1");
            AuthTest.assertError(error, "NO_RESPONDERS");
            assertThat(error.path("correlationId").asText()).isEqualTo("nr1");
            // No responders is known at once; it is not a timeout.
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(4_000);
            assertStillOpen(device);
        }
    }

    @Test
    void requestToASilentResponderGetsRequestTimeoutAfterTimeoutMs() throws Exception {
        Connection observer = nats.observer();
        Dispatcher silent = observer.createDispatcher(m -> { });
        silent.subscribe("config.line1.silent");
        observer.flush(Duration.ofSeconds(2));
        try (WsDevice device = gateway.connect("rr-sealer-4")) {
            long started = System.nanoTime();
            device.send("{\"type\":4,\"subject\":\"config.line1.silent\",\"payload\":{},\"correlationId\":\"t1\","
                    + "\"timeoutMs\":300}");
            JsonNode error = device.awaitCorrelation("t1");
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            AuthTest.assertError(error, "REQUEST_TIMEOUT");
            assertThat(elapsedMs).isGreaterThanOrEqualTo(250).isLessThan(3_000);
            assertStillOpen(device);
        } finally {
            observer.closeDispatcher(silent);
        }
    }

    @Test
    void requestWithoutCorrelationIdIsInvalidMessage() throws Exception {
        try (WsDevice device = gateway.connect("rr-sealer-5")) {
            device.send("{\"type\":4,\"subject\":\"config.line1.sealer\",\"payload\":{},\"timeoutMs\":1000}");
            AuthTest.assertError(device.awaitType(7), "INVALID_MESSAGE");
            assertStillOpen(device);
        }
    }

    @Test
    void requestTimeoutAboveTheMaximumOrNotPositiveIsInvalidMessage() throws Exception {
        try (WsDevice device = gateway.connect("rr-sealer-6")) {
            device.send("{\"type\":4,\"subject\":\"config.line1.sealer\",\"payload\":{},\"correlationId\":\"big\","
                    + "\"timeoutMs\":60000}");
            AuthTest.assertError(device.awaitCorrelation("big"), "INVALID_MESSAGE");
            device.send("{\"type\":4,\"subject\":\"config.line1.sealer\",\"payload\":{},\"correlationId\":\"zero\","
                    + "\"timeoutMs\":0}");
            AuthTest.assertError(device.awaitCorrelation("zero"), "INVALID_MESSAGE");
            device.send("{\"type\":4,\"subject\":\"config.line1.sealer\",\"payload\":{},\"correlationId\":\"text\","
                    + "\"timeoutMs\":\"soon\"}");
            AuthTest.assertError(device.awaitCorrelation("text"), "INVALID_MESSAGE");
            assertStillOpen(device);
        }
    }

    @Test
    void requestToASubjectWithoutPublishPermissionIsNotAuthorized() throws Exception {
        Connection observer = nats.observer();
        LinkedBlockingQueue<Message> asked = new LinkedBlockingQueue<>();
        Dispatcher responder = observer.createDispatcher(m -> {
            asked.add(m);
            observer.publish(m.getReplyTo(), "{\"leak\":true}".getBytes(StandardCharsets.UTF_8));
        });
        responder.subscribe("config.line2.sealer");
        observer.flush(Duration.ofSeconds(2));
        try (WsDevice device = gateway.connect("rr-sealer-7")) {
            device.send("{\"type\":4,\"subject\":\"config.line2.sealer\",\"payload\":{},\"correlationId\":\"f1\"}");
            JsonNode error = device.awaitCorrelation("f1");
            AuthTest.assertError(error, "NOT_AUTHORIZED");
            device.send("{\"type\":4,\"subject\":\"_INBOX.someone\",\"payload\":{},\"correlationId\":\"f2\"}");
            AuthTest.assertError(device.awaitCorrelation("f2"), "NOT_AUTHORIZED");
            device.send("{\"type\":4,\"subject\":\"config.line1.*\",\"payload\":{},\"correlationId\":\"f3\"}");
            AuthTest.assertError(device.awaitCorrelation("f3"), "INVALID_SUBJECT");
            assertStillOpen(device);
            assertThat(asked).as("nothing of a refused request reaches NATS").isEmpty();
        } finally {
            observer.closeDispatcher(responder);
        }
    }

    // ---- a NATS client asks, the device answers -------------------------------------------------------------------

    @Test
    void commandRequestFromAnHmiIsStoredAndAnsweredByTheMachine() throws Exception {
        // PROTOCOL.md's Message example: a command on commands.<line>.… with replyTo. COMMANDS stores it, so the
        // stream would answer the request's own reply subject; the gateway routes the answer via Reply-Subject.
        String subject = "commands.line1.calibrate";
        try (WsDevice machine = gateway.connect("rr-sealer-8"); WsDevice hmi = gateway.connect("rr-hmi")) {
            machine.send("{\"type\":1,\"subject\":\"" + subject + "\",\"correlationId\":\"s1\"}");
            assertThat(machine.awaitCorrelation("s1").path("type").asInt()).isEqualTo(6);
            long storedBefore = nats.observer().jetStreamManagement().getStreamInfo("COMMANDS").getStreamState().getMsgCount();

            hmi.send("{\"type\":4,\"subject\":\"" + subject + "\",\"payload\":{\"action\":\"calibrate\",\"targetTemp\":185.0},"
                    + "\"correlationId\":\"cal-1\",\"timeoutMs\":5000}");
            JsonNode command = machine.await(SubscribeTest.onSubject(subject));
            assertThat(command.path("deviceId").asText()).isEqualTo("rr-hmi");
            String replyTo = command.path("replyTo").asText(null);
            assertThat(replyTo).as("replyTo on %s", command).startsWith("_INBOX.");

            machine.send("{\"type\":5,\"subject\":\"" + replyTo + "\",\"payload\":{\"calibrated\":true,\"measuredTemp\":184.9}}");
            JsonNode reply = hmi.awaitCorrelation("cal-1");
            assertThat(reply.path("type").asInt()).as(reply.toString()).isEqualTo(5);
            assertThat(reply.path("payload").path("measuredTemp").asDouble()).isEqualTo(184.9);
            assertThat(nats.observer().jetStreamManagement().getStreamInfo("COMMANDS").getStreamState().getMsgCount())
                    .as("the command itself is on record").isEqualTo(storedBefore + 1);
        }
    }

    @Test
    void coreRequestOnAStoredSubjectReachesTheDeviceWithoutAReplyToItCouldNeverUse() throws Exception {
        // JetStream answers such a request with its PubAck; offering that inbox would let a device forge the PubAck.
        String subject = "commands.line1.reset";
        Connection observer = nats.observer();
        try (WsDevice machine = gateway.connect("rr-sealer-14")) {
            machine.send("{\"type\":1,\"subject\":\"" + subject + "\",\"correlationId\":\"s1\"}");
            machine.awaitCorrelation("s1");
            observer.requestWithTimeout(subject, "{\"action\":\"reset\"}".getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(2));
            JsonNode message = machine.await(SubscribeTest.onSubject(subject));
            assertThat(message.has("replyTo")).as(message.toString()).isFalse();
        }
    }

    @Test
    void deviceAnswersARequestOnASubjectNoStreamStoresAndTheRequesterGetsExactlyThatPayload() throws Exception {
        deviceAnswersRequestOn("rr-sealer-9", "x.calibrate");
    }

    private void deviceAnswersRequestOn(String deviceId, String subject) throws Exception {
        Connection observer = nats.observer();
        try (WsDevice device = gateway.connect(deviceId)) {
            device.send("{\"type\":1,\"subject\":\"" + subject + "\",\"correlationId\":\"s1\"}");
            assertThat(device.awaitCorrelation("s1").path("type").asInt()).isEqualTo(6);
            SubscribeTest.awaitLive(device, observer, subject);

            String request = "{\"action\":\"calibrate\",\"targetTemp\":185.0}";
            CompletableFuture<Message> answered = observer.requestWithTimeout(subject,
                    request.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
            JsonNode message = device.await(SubscribeTest.onSubject(subject));
            assertThat(message.path("payload")).isEqualTo(JSON.readTree(request));
            String replyTo = message.path("replyTo").asText(null);
            assertThat(replyTo).as("replyTo on %s", message).isNotBlank();

            String reply = "{\"calibrated\":true,\"measuredTemp\":184.9,\"note\":\"zone upper ok\"}";
            device.send("{\"type\":5,\"subject\":\"" + replyTo + "\",\"payload\":" + reply + "}");
            Message got = answered.get(5, TimeUnit.SECONDS);
            assertThat(new String(got.getData(), StandardCharsets.UTF_8)).isEqualTo(reply);
            device.assertNothing(m -> m.path("type").asInt() == 7, Duration.ofMillis(200));
        }
    }

    @Test
    void replyToAForgedInboxIsNotAuthorized() throws Exception {
        Connection observer = nats.observer();
        io.nats.client.Subscription forged = observer.subscribe("_INBOX.forged.>");
        observer.flush(Duration.ofSeconds(2));
        try (WsDevice device = gateway.connect("rr-sealer-10")) {
            device.send("{\"type\":5,\"subject\":\"_INBOX.forged.1\",\"payload\":{\"x\":1},\"correlationId\":\"fr\"}");
            AuthTest.assertError(device.awaitCorrelation("fr"), "NOT_AUTHORIZED");
            // Nor to an ordinary subject the device has no reply for.
            device.send("{\"type\":5,\"subject\":\"config.line1.sealer\",\"payload\":{\"x\":1},\"correlationId\":\"fr2\"}");
            AuthTest.assertError(device.awaitCorrelation("fr2"), "NOT_AUTHORIZED");
            assertStillOpen(device);
            assertThat(forged.nextMessage(Duration.ofMillis(300))).as("nothing reached the forged inbox").isNull();
        } finally {
            forged.unsubscribe();
        }
    }

    @Test
    void aReplyToCanBeAnsweredOnlyOnce() throws Exception {
        Connection observer = nats.observer();
        try (WsDevice device = gateway.connect("rr-sealer-11")) {
            device.send("{\"type\":1,\"subject\":\"x.once\",\"correlationId\":\"s1\"}");
            assertThat(device.awaitCorrelation("s1").path("type").asInt()).isEqualTo(6);
            SubscribeTest.awaitLive(device, observer, "x.once");

            // A plain inbox the observer reads, so that every reply reaching NATS is seen (a request would stop at one).
            String inbox = observer.createInbox();
            io.nats.client.Subscription replies = observer.subscribe(inbox);
            observer.publish("x.once", inbox, "{\"q\":1}".getBytes(StandardCharsets.UTF_8));
            observer.flush(Duration.ofSeconds(2));
            JsonNode message = device.await(SubscribeTest.onSubject("x.once"));
            assertThat(message.path("replyTo").asText()).isEqualTo(inbox);

            device.send("{\"type\":5,\"subject\":\"" + inbox + "\",\"payload\":{\"n\":1},\"correlationId\":\"a1\"}");
            assertThat(device.awaitCorrelation("a1").path("type").asInt()).isEqualTo(6);
            device.send("{\"type\":5,\"subject\":\"" + inbox + "\",\"payload\":{\"n\":2},\"correlationId\":\"a2\"}");
            AuthTest.assertError(device.awaitCorrelation("a2"), "NOT_AUTHORIZED");

            Message first = replies.nextMessage(Duration.ofSeconds(5));
            assertThat(first).isNotNull();
            assertThat(new String(first.getData(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
            assertThat(replies.nextMessage(Duration.ofMillis(300))).as("the second reply never reaches NATS").isNull();
            replies.unsubscribe();
        }
    }

    @Test
    void aReplyToGivenToAnotherDeviceCannotBeUsed() throws Exception {
        Connection observer = nats.observer();
        try (WsDevice receiver = gateway.connect("rr-sealer-12");
             WsDevice other = gateway.connect("rr-sealer-13")) {
            receiver.send("{\"type\":1,\"subject\":\"x.mine\",\"correlationId\":\"s1\"}");
            assertThat(receiver.awaitCorrelation("s1").path("type").asInt()).isEqualTo(6);
            SubscribeTest.awaitLive(receiver, observer, "x.mine");
            String inbox = observer.createInbox();
            observer.publish("x.mine", inbox, "{}".getBytes(StandardCharsets.UTF_8));
            observer.flush(Duration.ofSeconds(2));
            String replyTo = receiver.await(SubscribeTest.onSubject("x.mine")).path("replyTo").asText();
            other.send("{\"type\":5,\"subject\":\"" + replyTo + "\",\"payload\":{},\"correlationId\":\"steal\"}");
            AuthTest.assertError(other.awaitCorrelation("steal"), "NOT_AUTHORIZED");
        }
    }

    private static void assertStillOpen(WsDevice device) throws Exception {
        String id = "alive-" + System.nanoTime();
        device.send("{\"type\":9,\"correlationId\":\"" + id + "\"}");
        assertThat(device.awaitCorrelation(id).path("type").asInt()).isEqualTo(10);
        assertThat(device.isClosed()).isFalse();
    }
}
