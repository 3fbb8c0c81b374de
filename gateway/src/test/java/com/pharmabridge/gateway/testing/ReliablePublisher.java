package com.pharmabridge.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A device that must not lose a reading, as a plain WebSocket client: it numbers each publish, keeps it until the
 * gateway acknowledges it, and re-sends everything unacknowledged with the same correlation id after an error or a
 * reconnect. Fault tests compare what it saw acknowledged with what the stream holds.
 */
public final class ReliablePublisher implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI uri;
    private final String deviceId;
    private final String token;
    private final String subject;
    private final int window;
    private final Map<String, String> unacknowledged = new LinkedHashMap<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Set<String> refusedIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong sends = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong duplicateAcks = new AtomicLong();
    private final Thread worker;
    private volatile boolean stopping;
    private volatile int target;
    /** New messages are not started beyond this many (see {@link #holdAt}). */
    private volatile int cap = Integer.MAX_VALUE;
    private int next;

    public ReliablePublisher(URI uri, String deviceId, String token, String subject, int window) {
        this.uri = uri;
        this.deviceId = deviceId;
        this.token = token;
        this.subject = subject;
        this.window = window;
        this.worker = new Thread(this::run, "reliable-" + deviceId);
        this.worker.setDaemon(true);
    }

    /** Publishes messages 0..count-1, each until acknowledged. */
    public ReliablePublisher start(int count) {
        target = count;
        worker.start();
        return this;
    }

    /**
     * Starts no message beyond the first {@code count} until {@link #release()}: a fault can then be made while
     * messages are still to be sent, however fast the first ones were acknowledged.
     */
    public ReliablePublisher holdAt(int count) {
        cap = count;
        return this;
    }

    public void release() {
        cap = Integer.MAX_VALUE;
        synchronized (unacknowledged) {
            unacknowledged.notifyAll();
        }
    }

    /** True once every message was sent and acknowledged. */
    public boolean done() {
        synchronized (unacknowledged) {
            return next >= target && unacknowledged.isEmpty();
        }
    }

    public Set<String> acknowledged() {
        return acknowledged;
    }

    /** Correlation ids that got an Error at least once (each was kept and re-sent). */
    public Set<String> refused() {
        return refusedIds;
    }

    public long refusals() {
        return refusals.get();
    }

    public long sends() {
        return sends.get();
    }

    /** Acks that said {@code duplicate: true}: a re-sent message JetStream already had. */
    public long duplicateAcks() {
        return duplicateAcks.get();
    }

    public long reconnects() {
        return reconnects.get();
    }

    public int sent() {
        synchronized (unacknowledged) {
            return next;
        }
    }

    private void run() {
        while (!stopping && !done()) {
            Connection connection = null;
            try {
                connection = new Connection();
                connection.open();
                synchronized (unacknowledged) {
                    for (String text : unacknowledged.values()) {
                        connection.send(text);
                    }
                }
                while (!stopping && !done() && !connection.closed.isDone()) {
                    String text = null;
                    synchronized (unacknowledged) {
                        if (next < target && next < cap && unacknowledged.size() < window) {
                            String id = deviceId + "-" + next++;
                            text = "{\"type\":0,\"subject\":\"" + subject + "\",\"payload\":{\"value\":" + (next - 1)
                                    + "},\"correlationId\":\"" + id + "\"}";
                            unacknowledged.put(id, text);
                        } else {
                            unacknowledged.wait(50);
                        }
                    }
                    if (text != null) {
                        connection.send(text);
                    }
                    for (String id : connection.resendNow()) {
                        String again;
                        synchronized (unacknowledged) {
                            again = unacknowledged.get(id);
                        }
                        if (again != null) {
                            connection.send(again);
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // Gateway away or connection broken: retry shortly, keeping every unacknowledged message.
            } finally {
                if (connection != null) {
                    connection.abort();
                }
            }
            if (!stopping && !done()) {
                reconnects.incrementAndGet();
                try {
                    TimeUnit.MILLISECONDS.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void onAnswer(JsonNode answer, Connection connection) {
        String id = answer.path("correlationId").asText(null);
        if (id == null) {
            return;
        }
        int type = answer.path("type").asInt();
        if (type == 6) {
            if (answer.path("payload").path("duplicate").asBoolean()) {
                duplicateAcks.incrementAndGet();
            }
            synchronized (unacknowledged) {
                if (unacknowledged.remove(id) != null) {
                    acknowledged.add(id);
                }
                unacknowledged.notifyAll();
            }
        } else if (type == 7) {
            refusals.incrementAndGet();
            refusedIds.add(id);
            long retryAfter = answer.path("payload").path("retryAfterMs").asLong(100);
            connection.scheduleResend(id, Math.max(50, retryAfter));
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        worker.join(TimeUnit.SECONDS.toMillis(10));
    }

    /** One WebSocket connection's life. */
    private final class Connection implements WebSocket.Listener {
        private final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final CompletableFuture<Boolean> authenticated = new CompletableFuture<>();
        private final Map<String, Long> resendAt = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        void open() throws Exception {
            socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(2))
                    .buildAsync(uri, this).get(3, TimeUnit.SECONDS);
            send("{\"type\":8,\"payload\":{\"deviceId\":\"" + deviceId + "\",\"token\":\"" + token + "\"}}");
            if (!authenticated.get(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Auth refused");
            }
        }

        synchronized void send(String text) throws Exception {
            socket.sendText(text, true).get(5, TimeUnit.SECONDS);
            sends.incrementAndGet();
        }

        void scheduleResend(String id, long delayMs) {
            resendAt.put(id, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs));
        }

        Set<String> resendNow() {
            long now = System.nanoTime();
            Set<String> due = new java.util.HashSet<>();
            resendAt.forEach((id, at) -> {
                if (at - now <= 0 && resendAt.remove(id, at)) {
                    due.add(id);
                }
            });
            return due;
        }

        void abort() {
            if (socket != null) {
                socket.abort();
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(partial.toString());
                    if (message.path("type").asInt() == 8) {
                        authenticated.complete(message.path("payload").path("success").asBoolean());
                    } else {
                        onAnswer(message, this);
                    }
                } catch (Exception ignored) {
                    // not JSON: nothing the gateway sends
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            authenticated.complete(false);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
            authenticated.complete(false);
        }
    }
}
