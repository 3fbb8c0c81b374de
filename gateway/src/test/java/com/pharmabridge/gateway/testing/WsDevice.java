package com.pharmabridge.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A plain WebSocket client (the JDK's), speaking the device protocol as raw JSON text: no SDK in between. */
public final class WsDevice implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinkedBlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private volatile String closeReason;
    private WebSocket socket;

    private WsDevice() {
    }

    public static WsDevice connect(URI uri) throws Exception {
        return connect(uri, null);
    }

    /** @param tls the client's TLS setup (trusted CAs, client certificate), or {@code null} for the JVM's default */
    public static WsDevice connect(URI uri, javax.net.ssl.SSLContext tls) throws Exception {
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        if (tls != null) {
            client.sslContext(tls);
        }
        WsDevice device = new WsDevice();
        device.socket = client.build().newWebSocketBuilder()
                .connectTimeout(TIMEOUT)
                .buildAsync(uri, device.new Listener())
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return device;
    }

    /** Sends Auth and returns the answer; a {@code null} token is left out (client-certificate login). */
    public JsonNode authenticate(String deviceId, String token) throws Exception {
        send("{\"type\":8,\"payload\":{\"deviceId\":\"" + deviceId + "\""
                + (token == null ? "" : ",\"token\":\"" + token + "\"")
                + ",\"deviceType\":\"sensor\",\"protocolVersion\":\"1.0\",\"sdkVersion\":\"test/1\"}}");
        return await(m -> m.path("type").asInt() == 8);
    }

    public void send(String text) throws Exception {
        socket.sendText(text, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Sends one message split over several frames (the first a text frame, the rest continuations). */
    public void sendFragmented(String... parts) throws Exception {
        for (int i = 0; i < parts.length; i++) {
            socket.sendText(parts[i], i == parts.length - 1).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    public void sendBinary(byte[] data) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(data), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Waits for the next received message matching {@code match}; earlier non-matching ones stay available. */
    public JsonNode await(Predicate<JsonNode> match) throws InterruptedException {
        return await(match, TIMEOUT);
    }

    public synchronized JsonNode await(Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
        for (int i = 0; i < seen.size(); i++) {
            if (match.test(seen.get(i))) {
                return seen.remove(i);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode next = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                throw new AssertionError("No matching message within " + timeout + "; unmatched: " + seen);
            }
            if (match.test(next)) {
                return next;
            }
            seen.add(next);
        }
    }

    /** The next message with this correlation id (an Ack, Reply or Error). */
    public JsonNode awaitCorrelation(String correlationId) throws InterruptedException {
        return await(m -> correlationId.equals(m.path("correlationId").asText(null)));
    }

    public JsonNode awaitType(int type) throws InterruptedException {
        return await(m -> m.path("type").asInt() == type);
    }

    /** Fails if a message matching {@code match} arrives within {@code window}. */
    public void assertNothing(Predicate<JsonNode> match, Duration window) throws InterruptedException {
        try {
            JsonNode unexpected = await(match, window);
            throw new AssertionError("Unexpected message: " + unexpected);
        } catch (AssertionError e) {
            if (e.getMessage().startsWith("Unexpected")) {
                throw e;
            }
        }
    }

    public int awaitClose() throws Exception {
        return closeCode.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    public String closeReason() {
        return closeReason;
    }

    @Override
    public void close() {
        if (!closeCode.isDone()) {
            socket.sendClose(1000, "bye");
            socket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    inbox.add(JSON.readTree(text.toString()));
                } catch (Exception e) {
                    inbox.add(JSON.createObjectNode().put("unparseable", text.toString()));
                }
                text.setLength(0);
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
