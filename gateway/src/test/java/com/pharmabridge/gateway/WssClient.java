package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A plain JDK WebSocket client for {@code ws://} and {@code wss://} (with the test's own {@link SSLContext}) that keeps
 * every message as the raw text the gateway sent, so answers can be compared byte for byte.
 */
final class WssClient implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinkedBlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private volatile String closeReason;
    private WebSocket socket;

    private WssClient() {
    }

    /** @param tls the client's TLS setup (trusted CAs, client certificate), or {@code null} for the JVM's default */
    static WssClient connect(URI uri, SSLContext tls) throws Exception {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        if (tls != null) {
            builder.sslContext(tls);
        }
        WssClient client = new WssClient();
        client.socket = builder.build().newWebSocketBuilder()
                .connectTimeout(TIMEOUT)
                .buildAsync(uri, client.new Listener())
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return client;
    }

    /** Sends Auth; a {@code null} token is left out (client-certificate login). @return the raw answer */
    String authenticate(String deviceId, String token) throws Exception {
        send("{\"type\":8,\"payload\":{\"deviceId\":\"" + deviceId + "\""
                + (token == null ? "" : ",\"token\":\"" + token + "\"")
                + ",\"protocolVersion\":\"1.0\",\"sdkVersion\":\"test/1\"}}");
        return next();
    }

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    void send(String text) throws Exception {
        socket.sendText(text, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    String next() throws InterruptedException {
        String text = inbox.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (text == null) {
            throw new AssertionError("No message within " + TIMEOUT);
        }
        return text;
    }

    /** The next message whose correlationId is {@code correlationId}; others are skipped. */
    JsonNode awaitCorrelation(String correlationId) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode message = json(next());
            if (correlationId.equals(message.path("correlationId").asText(null))) {
                return message;
            }
        }
        throw new AssertionError("No message with correlationId " + correlationId);
    }

    int awaitClose(Duration timeout) throws Exception {
        return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isClosed() {
        return closeCode.isDone();
    }

    String closeReason() {
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
                inbox.add(text.toString());
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
