package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import io.nats.client.api.StreamInfoOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Auth (8) per PROTOCOL.md: success shape, uniform failure, auth-before-anything, timeout, second Auth, no token echo. */
class AuthTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static NatsFixture nats;
    private static GatewayFixture gateway;
    /** A second gateway on the same NATS whose authentication timeout is 1 s. */
    private static GatewayFixture quickTimeoutGateway;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .device("auth-sealer-1", "sealer", "line1")
                .device("auth-sealer-2", "sealer", "line1")
                .device("auth-sealer-3", "sealer", "line1")
                .device("auth-sealer-4", "sealer", "line1")
                .device("auth-hmi-1", "hmi", "line1")
                .start();
        quickTimeoutGateway = new GatewayFixture(nats.url())
                .with("GATEWAY_ID", "gw-test-quick-auth")
                .with("GATEWAY_AUTHENTICATION_TIMEOUT_SECONDS", "1")
                .device("auth-sealer-1", "sealer", "line1")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (quickTimeoutGateway != null) {
            quickTimeoutGateway.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    @Test
    void successfulAuthAnswersWithDeviceRegistryTypeAndResolvedPermissions() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        try (WsDevice device = WsDevice.connect(gateway.wsUri())) {
            // The device claims type "sensor"; the registry's type is what counts.
            JsonNode answer = device.authenticate("auth-sealer-1", gateway.token("auth-sealer-1"));
            assertThat(answer.path("type").asInt()).isEqualTo(8);
            JsonNode payload = answer.path("payload");
            assertThat(payload.path("success").isBoolean()).isTrue();
            assertThat(payload.path("success").asBoolean()).isTrue();
            JsonNode info = payload.path("device");
            assertThat(info.path("deviceId").asText()).isEqualTo("auth-sealer-1");
            assertThat(info.path("deviceType").asText()).isEqualTo("sealer");
            Instant connectedAt = Instant.parse(info.path("connectedAt").asText());
            assertThat(connectedAt).isBetween(before, Instant.now().plusSeconds(1));
            assertThat(texts(info.path("allowedPublishTopics"))).containsExactly(
                    "telemetry.line1.>", "factory.>", "alerts.>", "config.line1.>", "events.line1.>");
            assertThat(texts(info.path("allowedSubscribeTopics"))).containsExactly(
                    "commands.line1.*", "commands.line1.auth-sealer-1.>", "x.*");
            assertThat(answer.toString()).doesNotContain("${");

            // The session is usable afterwards.
            device.send("{\"type\":9}");
            assertThat(device.awaitType(10).path("timestamp").asText()).isNotBlank();
        }
    }

    @Test
    void wrongTokenAndUnknownDeviceGetByteIdenticalFailureThenClose1008() throws Exception {
        RawClient wrongToken = RawClient.connect(gateway.wsUri());
        // A real token, but of another device.
        wrongToken.send(auth("auth-sealer-1", gateway.token("auth-sealer-2")));
        String wrongTokenAnswer = wrongToken.next();
        assertThat(wrongToken.awaitClose()).isEqualTo(1008);

        RawClient unknownDevice = RawClient.connect(gateway.wsUri());
        unknownDevice.send(auth("no-such-device", gateway.token("auth-sealer-1")));
        String unknownDeviceAnswer = unknownDevice.next();
        assertThat(unknownDevice.awaitClose()).isEqualTo(1008);

        assertThat(wrongTokenAnswer).isEqualTo(unknownDeviceAnswer);
        JsonNode answer = JSON.readTree(wrongTokenAnswer);
        assertThat(answer.path("type").asInt()).isEqualTo(8);
        assertThat(answer.path("payload")).isEqualTo(JSON.readTree(
                "{\"success\":false,\"code\":\"AUTH_FAILED\",\"message\":\"Invalid credentials\"}"));
        assertThat(wrongToken.received()).hasSize(1);
        assertThat(unknownDevice.received()).hasSize(1);
        assertThat(wrongToken.closeReason()).isEqualTo(unknownDevice.closeReason());
    }

    @Test
    void publishBeforeAuthGetsAuthRequiredAndClose1008AndIsNotStored() throws Exception {
        try (WsDevice device = WsDevice.connect(gateway.wsUri())) {
            device.send("{\"type\":0,\"subject\":\"telemetry.line1.preauth\",\"payload\":{\"value\":1},\"correlationId\":\"pre-1\"}");
            JsonNode error = device.awaitType(7);
            assertError(error, "AUTH_REQUIRED");
            assertThat(device.awaitClose()).isEqualTo(1008);
        }
        long stored = nats.observer().jetStreamManagement()
                .getStreamInfo("TELEMETRY", StreamInfoOptions.filterSubjects("telemetry.line1.preauth"))
                .getStreamState().getSubjects().stream().mapToLong(s -> s.getCount()).sum();
        assertThat(stored).isZero();
    }

    @Test
    void garbageBeforeAuthGetsAuthRequiredAndClose1008() throws Exception {
        try (WsDevice device = WsDevice.connect(gateway.wsUri())) {
            device.send("this is not json at all");
            assertError(device.awaitType(7), "AUTH_REQUIRED");
            assertThat(device.awaitClose()).isEqualTo(1008);
        }
    }

    @Test
    void pingBeforeAuthGetsAuthRequiredAndNoPong() throws Exception {
        try (WsDevice device = WsDevice.connect(gateway.wsUri())) {
            device.send("{\"type\":9}");
            assertError(device.awaitType(7), "AUTH_REQUIRED");
            assertThat(device.awaitClose()).isEqualTo(1008);
            device.assertNothing(m -> m.path("type").asInt() == 10, Duration.ofMillis(100));
        }
    }

    @Test
    void noAuthWithinTimeoutGetsAuthTimeoutAndClose1008() throws Exception {
        long started = System.nanoTime();
        try (WsDevice device = WsDevice.connect(quickTimeoutGateway.wsUri())) {
            assertError(device.awaitType(7), "AUTH_TIMEOUT");
            assertThat(device.awaitClose()).isEqualTo(1008);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(elapsedMs).isGreaterThanOrEqualTo(900).isLessThan(8_000);
        }
    }

    @Test
    void authWithinTimeoutIsNotClosedByTheTimer() throws Exception {
        try (WsDevice device = quickTimeoutGateway.connect("auth-sealer-1")) {
            // Twice the 1 s auth timeout passes without an Error or a close.
            device.assertNothing(m -> m.path("type").asInt() == 7, Duration.ofMillis(2_000));
            device.send("{\"type\":9,\"correlationId\":\"after-timeout\"}");
            assertThat(device.awaitCorrelation("after-timeout").path("type").asInt()).isEqualTo(10);
            assertThat(device.isClosed()).isFalse();
        }
    }

    @Test
    void secondAuthOnAuthenticatedConnectionIsInvalidMessageAndConnectionStaysOpenAsTheFirstDevice() throws Exception {
        try (WsDevice device = gateway.connect("auth-sealer-3")) {
            device.send(auth("auth-sealer-4", gateway.token("auth-sealer-4")).replace("{\"type\":8,",
                    "{\"type\":8,\"correlationId\":\"again\","));
            JsonNode error = device.awaitCorrelation("again");
            assertError(error, "INVALID_MESSAGE");
            device.send("{\"type\":9,\"correlationId\":\"still-there\"}");
            JsonNode pong = device.awaitCorrelation("still-there");
            assertThat(pong.path("type").asInt()).isEqualTo(10);
            assertThat(device.isClosed()).isFalse();
            // The second Auth did not log the connection in as the other device.
            assertThat(gateway.http("/devices/auth-sealer-4").statusCode()).isEqualTo(404);
            assertThat(gateway.http("/devices/auth-sealer-3").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void tokenNeverAppearsInAnythingSentBack() throws Exception {
        String token = gateway.token("auth-hmi-1");
        RawClient ok = RawClient.connect(gateway.wsUri());
        ok.send(auth("auth-hmi-1", token).replace("{\"type\":8,", "{\"type\":8,\"correlationId\":\"a1\","));
        assertThat(ok.next()).contains("\"success\":true");
        ok.send(auth("auth-hmi-1", token).replace("{\"type\":8,", "{\"type\":8,\"correlationId\":\"a2\","));
        assertThat(ok.next()).contains("INVALID_MESSAGE");
        // The token inside other messages is not echoed either.
        ok.send("{\"type\":0,\"subject\":\"" + "telemetry.x" + "\",\"payload\":{\"token\":\"" + token
                + "\"},\"correlationId\":\"a3\"}");
        assertThat(ok.next()).contains("NOT_AUTHORIZED");
        ok.send("{\"type\":1,\"subject\":\"bad..subject\",\"token\":\"" + token + "\",\"correlationId\":\"a4\"}");
        assertThat(ok.next()).contains("INVALID_SUBJECT");
        ok.send("{\"type\":9,\"correlationId\":\"a5\"}");
        assertThat(ok.next()).contains("\"type\":10");
        ok.close();

        RawClient failed = RawClient.connect(gateway.wsUri());
        failed.send(auth("auth-hmi-1", token + "x"));
        failed.next();
        failed.awaitClose();

        RawClient broken = RawClient.connect(gateway.wsUri());
        broken.send("{\"type\":8,\"payload\":{\"deviceId\":\"auth-hmi-1\",\"token\":\"" + token + "\"");
        broken.next();
        broken.awaitClose();

        List<String> everything = new ArrayList<>();
        everything.addAll(ok.received());
        everything.addAll(failed.received());
        everything.addAll(broken.received());
        assertThat(everything).hasSizeGreaterThanOrEqualTo(7);
        for (String text : everything) {
            assertThat(text).doesNotContain(token);
        }
        assertThat(String.valueOf(failed.closeReason())).doesNotContain(token);
        assertThat(String.valueOf(broken.closeReason())).doesNotContain(token);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private static String auth(String deviceId, String token) {
        return "{\"type\":8,\"payload\":{\"deviceId\":\"" + deviceId + "\",\"token\":\"" + token
                + "\",\"deviceType\":\"sensor\",\"protocolVersion\":\"1.0\",\"sdkVersion\":\"test/1\"}}";
    }

    private static List<String> texts(JsonNode array) {
        assertThat(array.isArray()).as("expected a JSON array: %s", array).isTrue();
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** An Error (7) with this code, a message, and nothing that looks like a Java stack trace. */
    static void assertError(JsonNode message, String code) {
        assertThat(message.path("type").asInt()).as("type of %s", message).isEqualTo(7);
        assertThat(message.path("payload").path("code").asText()).as("code of %s", message).isEqualTo(code);
        assertThat(message.path("payload").path("message").asText()).as("message of %s", message).isNotBlank();
        assertThat(message.toString()).doesNotContain("Exception").doesNotContain("at com.")
                .doesNotContain("at io.").doesNotContain("at java.");
    }

    /** A JDK WebSocket client that keeps every received text message exactly as sent, for byte-level checks. */
    private static final class RawClient implements WebSocket.Listener {
        private final LinkedBlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        private final List<String> received = new ArrayList<>();
        private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private volatile String closeReason;
        private WebSocket socket;

        static RawClient connect(URI uri) throws Exception {
            RawClient client = new RawClient();
            client.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(uri, client).get(10, TimeUnit.SECONDS);
            return client;
        }

        void send(String message) throws Exception {
            socket.sendText(message, true).get(10, TimeUnit.SECONDS);
        }

        /** The next text message, as the raw string the gateway sent. */
        String next() throws InterruptedException {
            String next = inbox.poll(10, TimeUnit.SECONDS);
            assertThat(next).as("a message from the gateway within 10 s").isNotNull();
            return next;
        }

        synchronized List<String> received() {
            return List.copyOf(received);
        }

        int awaitClose() throws Exception {
            return closeCode.get(10, TimeUnit.SECONDS);
        }

        String closeReason() {
            return closeReason;
        }

        void close() {
            if (!closeCode.isDone()) {
                socket.sendClose(1000, "bye");
                socket.abort();
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                synchronized (this) {
                    received.add(message);
                }
                inbox.add(message);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(-1);
        }
    }
}
