package com.pharmabridge.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.protocol.EnvelopeWriter;
import com.pharmabridge.protocol.MessageType;
import com.pharmabridge.protocol.Subjects;
import com.pharmabridge.sdk.ConnectionListener.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A device's connection to the gateway: authenticates, publishes with confirmation, subscribes, requests and
 * replies, and reconnects by itself with backoff. Unacknowledged publishes stay in the {@link PublishJournal} and are
 * re-sent with the same correlation id after every reconnect, so the gateway's de-duplication stores each once.
 * Subscriptions are re-established after every reconnect. Thread-safe; uses the JDK WebSocket and one scheduler
 * thread, never a thread per message. Handlers run on the receiving thread, one message at a time.
 */
public final class DeviceClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeviceClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SDK_VERSION = "java/1.0.0";

    private final DeviceClientOptions options;
    private final ConnectionListener listener;
    private final PublishJournal journal;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final Backoff backoff;
    private final String bootId;
    private final AtomicLong counter = new AtomicLong();

    private final Object lock = new Object();
    private WsLink link; // guarded by lock
    private boolean authenticated; // guarded by lock
    private boolean closed; // guarded by lock
    private long generation; // guarded by lock; counts authenticated sessions
    private final LinkedHashMap<String, String> pending = new LinkedHashMap<>(); // guarded by lock
    private final ArrayDeque<String> unsent = new ArrayDeque<>(); // guarded by lock
    private final Set<String> inFlight = new HashSet<>(); // guarded by lock
    /** Publishes pending when the session began (re-sends and journal replay); guarded by lock. */
    private final Set<String> backlog = new HashSet<>();

    private final Map<String, CompletableFuture<PublishAck>> publishFutures = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<String>> requests = new ConcurrentHashMap<>();
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, Subscription> subscribeAcks = new ConcurrentHashMap<>();

    private DeviceClient(DeviceClientOptions options) {
        this.options = options;
        this.listener = options.listener();
        this.journal = options.journal();
        HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(options.connectTimeout());
        if (options.sslContext() != null) {
            hb.sslContext(options.sslContext());
        }
        this.http = hb.build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "device-client-" + options.deviceId());
            t.setDaemon(true);
            return t;
        });
        this.backoff = new Backoff(options.reconnectInitial(), options.reconnectMax(), options.reconnectJitter());
        this.bootId = newBootId();
        for (PublishJournal.Entry entry : journal.pendingInOrder()) {
            pending.put(entry.correlationId(), entry.envelope());
            publishFutures.put(entry.correlationId(), new CompletableFuture<>());
        }
    }

    /**
     * Creates a client and starts connecting in the background; returns at once. Publishes made before the connection
     * is authenticated wait in the journal.
     *
     * @param options the settings
     * @return the client; close it when done
     */
    public static DeviceClient connect(DeviceClientOptions options) {
        DeviceClient client = new DeviceClient(options);
        long heartbeat = options.heartbeatInterval().toMillis();
        client.scheduler.scheduleAtFixedRate(client::heartbeat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
        client.scheduler.execute(client::attempt);
        return client;
    }

    /**
     * Waits until the client is authenticated.
     *
     * @param timeout how long to wait
     * @return true when authenticated, false when the time ran out or the client is closed
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean awaitAuthenticated(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!authenticated && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return authenticated;
        }
    }

    /** @return true while the connection is open and authenticated */
    public boolean isAuthenticated() {
        synchronized (lock) {
            return authenticated;
        }
    }

    /** @return the id put in front of every correlation id of this client instance, unique per start */
    public String bootId() {
        return bootId;
    }

    /** @return how many publishes wait for the gateway's Ack */
    public int pendingPublishes() {
        synchronized (lock) {
            return pending.size();
        }
    }

    /**
     * Publishes with confirmation. The message is kept in the journal until the gateway acknowledges it; it is re-sent
     * with the same correlation id after {@code RATE_LIMIT} (after {@code retryAfterMs}), after {@code UNAVAILABLE}
     * and after every reconnect.
     *
     * @param subject     a subject without wildcards that this device may publish to
     * @param jsonPayload the payload, one valid JSON value, forwarded byte for byte
     * @return completes with the Ack, or fails with {@link DeviceException} for an Error the gateway will not change
     *         its mind about (e.g. {@code NOT_AUTHORIZED}, {@code INVALID_MESSAGE}) or {@code CLOSED}
     */
    public CompletableFuture<PublishAck> publish(String subject, String jsonPayload) {
        String correlationId = nextId("p");
        String envelope = EnvelopeWriter.of(MessageType.PUBLISH, jsonPayload.length()).subject(subject)
                .rawPayload(jsonPayload).correlationId(correlationId).field("timestamp", Instant.now().toString())
                .build();
        CompletableFuture<PublishAck> future = new CompletableFuture<>();
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new DeviceException(DeviceException.CLOSED, "client is closed"));
            }
            try {
                journal.add(correlationId, subject, envelope);
            } catch (RuntimeException refused) {
                // A full or broken journal must not lose the reading silently: the caller hears of it now.
                return CompletableFuture.failedFuture(refused);
            }
            pending.put(correlationId, envelope);
            publishFutures.put(correlationId, future);
            unsent.add(correlationId);
            pumpLocked();
        }
        return future;
    }

    /**
     * Publishes without confirmation (no correlation id). Sent only while authenticated; dropped otherwise.
     *
     * @param subject a subject without wildcards that this device may publish to
     * @param json    the payload, one valid JSON value
     * @return true when it was handed to the connection
     */
    public boolean publishAndForget(String subject, String json) {
        return sendIfAuthenticated(EnvelopeWriter.of(MessageType.PUBLISH, json.length()).subject(subject)
                .rawPayload(json).field("timestamp", Instant.now().toString()).build());
    }

    /**
     * Subscribes (core NATS); re-established after every reconnect until unsubscribed.
     *
     * @param subject a subject pattern inside this device's subscribe grants
     * @param handler called for each message
     * @return the subscription; {@link Subscription#ready()} completes on the gateway's first confirmation
     */
    public Subscription subscribe(String subject, MessageHandler handler) {
        return subscribe(subject, handler, false);
    }

    /**
     * Subscribes durably (JetStream): messages stored while the device was away arrive when it returns; each delivery
     * is acknowledged only after {@code handler} returns normally.
     *
     * @param subject a subject pattern covered by a stream and inside this device's subscribe grants
     * @param handler called for each delivery
     * @return the subscription
     */
    public Subscription subscribeDurable(String subject, MessageHandler handler) {
        return subscribe(subject, handler, true);
    }

    /**
     * Sends a Request and waits for its Reply.
     *
     * @param subject a subject this device may publish to
     * @param json    the request payload, one valid JSON value
     * @param timeout how long the gateway waits for a responder (at most 30 s)
     * @return the Reply's payload as JSON text; fails with {@link DeviceException} ({@code NO_RESPONDERS},
     *         {@code REQUEST_TIMEOUT}, {@code DISCONNECTED}, {@code TIMEOUT}, …)
     */
    public CompletableFuture<String> request(String subject, String json, Duration timeout) {
        String correlationId = nextId("r");
        CompletableFuture<String> future = new CompletableFuture<>();
        String envelope = EnvelopeWriter.of(MessageType.REQUEST, json.length()).subject(subject).rawPayload(json)
                .correlationId(correlationId).build();
        envelope = envelope.substring(0, envelope.length() - 1) + ",\"timeoutMs\":" + timeout.toMillis() + "}";
        requests.put(correlationId, future);
        if (!sendIfAuthenticated(envelope)) {
            requests.remove(correlationId);
            return CompletableFuture.failedFuture(new DeviceException(DeviceException.DISCONNECTED, "not connected"));
        }
        scheduler.schedule(() -> {
            CompletableFuture<String> f = requests.remove(correlationId);
            if (f != null) {
                f.completeExceptionally(new DeviceException(DeviceException.TIMEOUT, "no answer to request on "
                        + subject + " within " + timeout));
            }
        }, timeout.toMillis() + 2000, TimeUnit.MILLISECONDS);
        return future;
    }

    /**
     * Sends a Request with the default {@link DeviceClientOptions#requestTimeout()}.
     *
     * @see #request(String, String, Duration)
     */
    public CompletableFuture<String> request(String subject, String json) {
        return request(subject, json, options.requestTimeout());
    }

    /**
     * Closes the connection and stops reconnecting. Pending publishes stay in the journal; their futures fail with
     * {@code CLOSED}.
     */
    @Override
    public void close() {
        WsLink current;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            authenticated = false;
            current = link;
            link = null;
            lock.notifyAll();
        }
        if (current != null) {
            current.close(1000, "client closed");
        }
        scheduler.shutdownNow();
        DeviceException ex = new DeviceException(DeviceException.CLOSED, "client closed");
        publishFutures.values().forEach(f -> f.completeExceptionally(ex));
        requests.values().forEach(f -> f.completeExceptionally(ex));
        emit(Event.CLOSED, "closed");
    }

    // ---- connection lifecycle ----

    private void attempt() {
        synchronized (lock) {
            if (closed) {
                return;
            }
        }
        WsLink.open(http, options.gatewayUri(), options.connectTimeout(), new LinkEvents())
                .whenComplete((l, error) -> {
                    if (error != null) {
                        log.debug("connect to {} failed: {}", options.gatewayUri(), error.toString());
                        scheduleReconnect("connect failed: " + error.getMessage());
                    }
                });
    }

    private void scheduleReconnect(String why) {
        synchronized (lock) {
            if (closed) {
                return;
            }
        }
        Duration delay = backoff.nextDelay();
        emit(Event.RECONNECTING, "in " + delay.toMillis() + " ms after " + why);
        try {
            scheduler.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void heartbeat() {
        WsLink current;
        synchronized (lock) {
            current = authenticated ? link : null;
        }
        if (current == null) {
            return;
        }
        long silentMillis = (System.nanoTime() - current.lastReceivedNanos()) / 1_000_000;
        if (silentMillis > 2 * options.heartbeatInterval().toMillis() + 10_000) {
            current.abort("no answer from gateway for " + silentMillis + " ms");
            return;
        }
        current.send("{\"type\":9}");
    }

    private final class LinkEvents implements WsLink.Events {
        @Override
        public void opened(WsLink opened) {
            synchronized (lock) {
                if (closed) {
                    opened.abort("client closed");
                    return;
                }
                link = opened;
            }
            emit(Event.CONNECTED, options.gatewayUri().toString());
            StringBuilder auth = new StringBuilder("{\"deviceId\":");
            EnvelopeWriter.quote(auth, options.deviceId());
            if (options.token() != null) {
                EnvelopeWriter.quote(auth.append(",\"token\":"), options.token());
            }
            EnvelopeWriter.quote(auth.append(",\"deviceType\":"), options.deviceType());
            auth.append(",\"protocolVersion\":\"1.0\",\"sdkVersion\":\"").append(SDK_VERSION).append("\"}");
            opened.send(EnvelopeWriter.of(MessageType.AUTH).rawPayload(auth).build());
        }

        @Override
        public void message(WsLink from, String text) {
            try {
                onMessage(from, text);
            } catch (RuntimeException e) {
                log.warn("could not handle message from gateway: {}", text, e);
            }
        }

        @Override
        public void closed(WsLink ended, int statusCode, String reason) {
            boolean wasCurrent;
            synchronized (lock) {
                wasCurrent = link == ended;
                if (wasCurrent) {
                    link = null;
                    authenticated = false;
                    inFlight.clear();
                    unsent.clear();
                }
            }
            if (!wasCurrent) {
                return;
            }
            DeviceException ex = new DeviceException(DeviceException.DISCONNECTED, "connection closed");
            for (String id : new ArrayList<>(requests.keySet())) {
                CompletableFuture<String> f = requests.remove(id);
                if (f != null) {
                    f.completeExceptionally(ex);
                }
            }
            emit(Event.DISCONNECTED, statusCode + " " + reason);
            scheduleReconnect("close " + statusCode);
        }
    }

    // ---- inbound ----

    private void onMessage(WsLink from, String text) throws RuntimeException {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (Exception e) {
            log.warn("gateway sent text that is not JSON: {}", text);
            return;
        }
        MessageType type = MessageType.fromCode(node.path("type").asInt(-1));
        if (type == null) {
            return;
        }
        String correlationId = node.hasNonNull("correlationId") ? node.get("correlationId").asText() : null;
        JsonNode payload = node.path("payload");
        switch (type) {
            case AUTH -> onAuth(from, payload);
            case ACK -> onAck(correlationId, payload);
            case ERROR -> onError(correlationId, payload);
            case REPLY -> {
                CompletableFuture<String> f = correlationId == null ? null : requests.remove(correlationId);
                if (f != null) {
                    f.complete(payload.isMissingNode() ? "null" : payload.toString());
                }
            }
            case MESSAGE -> onDelivery(node, payload);
            default -> {
            }
        }
    }

    private void onAuth(WsLink from, JsonNode payload) {
        if (!payload.path("success").asBoolean(false)) {
            String message = payload.path("code").asText("AUTH_FAILED") + " " + payload.path("message").asText("");
            emit(Event.AUTH_FAILED, message);
            close();
            return;
        }
        synchronized (lock) {
            if (link != from || closed) {
                return;
            }
            authenticated = true;
            generation++;
            inFlight.clear();
            unsent.clear();
            unsent.addAll(pending.keySet());
            backlog.clear();
            backlog.addAll(pending.keySet());
            lock.notifyAll();
        }
        backoff.reset();
        emit(Event.AUTHENTICATED, options.deviceId());
        for (Subscription sub : subscriptions.values()) {
            sendSubscribe(sub);
        }
        synchronized (lock) {
            pumpLocked();
        }
    }

    private void onAck(String correlationId, JsonNode payload) {
        if (correlationId == null) {
            return;
        }
        Subscription sub = subscribeAcks.remove(correlationId);
        if (sub != null) {
            sub.readyFuture().complete(null);
            return;
        }
        boolean known;
        synchronized (lock) {
            known = pending.remove(correlationId) != null;
            if (known) {
                inFlight.remove(correlationId);
                backlog.remove(correlationId);
                journal.remove(correlationId);
                pumpLocked();
            }
        }
        CompletableFuture<PublishAck> f = publishFutures.remove(correlationId);
        if (known && f != null) {
            JsonNode stream = payload.path("stream");
            JsonNode seq = payload.path("seq");
            f.complete(new PublishAck(stream.isTextual() ? stream.asText() : null,
                    seq.isNumber() ? seq.asLong() : null, payload.path("duplicate").asBoolean(false)));
        }
    }

    private void onError(String correlationId, JsonNode payload) {
        String code = payload.path("code").asText("INTERNAL_ERROR");
        String message = payload.path("message").asText("");
        if (correlationId == null) {
            if ("SLOW_CONSUMER".equals(code)) {
                emit(Event.SLOW_CONSUMER, message);
            } else {
                log.warn("gateway error {}: {}", code, message);
            }
            return;
        }
        Subscription sub = subscribeAcks.remove(correlationId);
        if (sub != null) {
            sub.readyFuture().completeExceptionally(new DeviceException(code, message));
            return;
        }
        CompletableFuture<String> request = requests.remove(correlationId);
        if (request != null) {
            request.completeExceptionally(new DeviceException(code, message));
            return;
        }
        boolean retry = "RATE_LIMIT".equals(code) || "UNAVAILABLE".equals(code);
        long sessionGeneration;
        synchronized (lock) {
            if (!pending.containsKey(correlationId)) {
                return;
            }
            sessionGeneration = generation;
            if (!retry) {
                pending.remove(correlationId);
                inFlight.remove(correlationId);
                backlog.remove(correlationId);
                journal.remove(correlationId);
                pumpLocked();
            }
        }
        if (!retry) {
            CompletableFuture<PublishAck> f = publishFutures.remove(correlationId);
            if (f != null) {
                f.completeExceptionally(new DeviceException(code, message));
            }
            return;
        }
        long delay = "RATE_LIMIT".equals(code) ? Math.max(1, payload.path("retryAfterMs").asLong(100))
                : options.reconnectInitial().toMillis();
        try {
            scheduler.schedule(() -> resend(correlationId, sessionGeneration), delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void resend(String correlationId, long sessionGeneration) {
        synchronized (lock) {
            // After a reconnect the whole pending list is re-sent anyway.
            if (generation != sessionGeneration || !authenticated || !pending.containsKey(correlationId)) {
                return;
            }
            inFlight.remove(correlationId);
            unsent.addFirst(correlationId);
            pumpLocked();
        }
    }

    private void onDelivery(JsonNode node, JsonNode payload) {
        String subject = node.path("subject").asText();
        String ackId = node.hasNonNull("ackId") ? node.get("ackId").asText() : null;
        String replyTo = node.hasNonNull("replyTo") ? node.get("replyTo").asText() : null;
        IncomingMessage message = new IncomingMessage(subject, payload.isMissingNode() ? "null" : payload.toString(),
                node.hasNonNull("deviceId") ? node.get("deviceId").asText() : null,
                node.hasNonNull("timestamp") ? node.get("timestamp").asText() : null, replyTo,
                json -> sendIfAuthenticated(EnvelopeWriter.of(MessageType.REPLY, json.length()).subject(replyTo)
                        .rawPayload(json).build()));
        boolean durable = ackId != null;
        boolean allHandled = true;
        for (Subscription sub : subscriptions.values()) {
            if (sub.durable() != durable || !Subjects.matches(sub.subject(), subject)) {
                continue;
            }
            try {
                sub.handler().onMessage(message);
            } catch (Exception e) {
                allHandled = false;
                log.warn("handler for {} failed on {}; not acknowledged", sub.subject(), subject, e);
            }
        }
        if (durable && allHandled) {
            StringBuilder ack = new StringBuilder("{\"ackId\":");
            EnvelopeWriter.quote(ack, ackId).append('}');
            sendIfAuthenticated(EnvelopeWriter.of(MessageType.ACK).rawPayload(ack).build());
        }
    }

    // ---- outbound ----

    private Subscription subscribe(String subject, MessageHandler handler, boolean durable) {
        Subscription sub = new Subscription(this, subject, durable, handler);
        synchronized (lock) {
            if (closed) {
                throw new DeviceException(DeviceException.CLOSED, "client is closed");
            }
        }
        subscriptions.put(subject, sub);
        sendSubscribe(sub);
        return sub;
    }

    private void sendSubscribe(Subscription sub) {
        String correlationId = nextId("s");
        subscribeAcks.put(correlationId, sub);
        EnvelopeWriter writer = EnvelopeWriter.of(MessageType.SUBSCRIBE).subject(sub.subject())
                .correlationId(correlationId);
        if (sub.durable()) {
            writer.rawPayload("{\"durable\":true}");
        }
        if (!sendIfAuthenticated(writer.build())) {
            subscribeAcks.remove(correlationId); // sent on authentication
        }
    }

    void unsubscribe(Subscription sub) {
        if (subscriptions.remove(sub.subject(), sub)) {
            sendIfAuthenticated(EnvelopeWriter.of(MessageType.UNSUBSCRIBE).subject(sub.subject())
                    .correlationId(nextId("u")).build());
        }
    }

    private boolean sendIfAuthenticated(String text) {
        WsLink current;
        synchronized (lock) {
            current = authenticated ? link : null;
        }
        if (current == null) {
            return false;
        }
        current.send(text);
        return true;
    }

    // Sends waiting publishes while fewer than maxInFlight wait for their Ack. Sends happen under the lock so that
    // publishes leave in the order they were made; WsLink.send only queues.
    private void pumpLocked() {
        if (!authenticated || link == null) {
            return;
        }
        // What was kept across a disconnect or a restart goes out one at a time: a refusal (rate limit, NATS away)
        // then holds everything behind it, so the stream receives the backlog in the order it was taken.
        int window = backlog.isEmpty() ? options.maxInFlight() : 1;
        while (inFlight.size() < window && !unsent.isEmpty()) {
            String id = unsent.poll();
            String envelope = pending.get(id);
            if (envelope != null && inFlight.add(id)) {
                link.send(envelope);
            }
        }
    }

    private void emit(Event event, String detail) {
        try {
            listener.onEvent(event, detail == null ? "" : detail);
        } catch (RuntimeException e) {
            log.warn("connection listener failed on {}", event, e);
        }
    }

    private String nextId(String kind) {
        return bootId + "-" + kind + counter.incrementAndGet();
    }

    private static String newBootId() {
        byte[] bytes = new byte[8];
        new SecureRandom().nextBytes(bytes);
        StringBuilder sb = new StringBuilder("b");
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }
}
