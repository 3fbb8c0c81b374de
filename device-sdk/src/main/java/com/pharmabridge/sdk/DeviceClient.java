package com.pharmabridge.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.protocol.EnvelopeWriter;
import com.pharmabridge.protocol.MessageType;
import com.pharmabridge.protocol.Subjects;
import com.pharmabridge.sdk.ConnectionListener.Event;
import com.pharmabridge.sdk.store.StoreFullException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A device's connection to the gateway: authenticates, publishes with confirmation, subscribes, requests and
 * replies, and reconnects by itself with backoff. Unacknowledged publishes stay in the {@link PublishJournal} and are
 * re-sent with the same correlation id after every reconnect, so the gateway's de-duplication stores each once.
 * Subscriptions are re-established after every reconnect.
 *
 * <p>Flow control: up to {@link DeviceClientOptions#maxInFlight()} publishes wait for their Ack at once. A
 * {@code RATE_LIMIT} or {@code UNAVAILABLE} refusal pauses all sending for {@code retryAfterMs} (or the first
 * reconnect delay), sends the refused publishes again first, in the order they were made, and lets the window grow
 * back from one publish, doubling with each Ack; what waited across a reconnect or restart goes out one at a time.
 * A silent connection (no answer within {@link DeviceClientOptions#heartbeatTimeout()}) is dropped and made again.
 * When the journal has an age limit, expired publishes are removed periodically and their futures fail with
 * {@link DeviceException#EXPIRED}. {@link #metrics()} counts what happened.
 *
 * <p>Thread-safe; uses the JDK WebSocket and one scheduler thread (or those of a shared {@link ClientResources}),
 * never a thread per message. Handlers run on the receiving thread, one message at a time.
 */
public final class DeviceClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeviceClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SDK_VERSION = "java/1.0.0";

    /** Shortest interval between two expiry runs. */
    static final Duration MIN_EXPIRY_INTERVAL = Duration.ofSeconds(1);
    /** Longest interval between two expiry runs. */
    static final Duration MAX_EXPIRY_INTERVAL = Duration.ofSeconds(60);

    private final DeviceClientOptions options;
    private final ConnectionListener listener;
    private final PublishJournal journal;
    private final ClientResources resources; // null when the client owns its scheduler and HTTP client
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final Backoff backoff;
    private final String bootId;
    private final AtomicLong counter = new AtomicLong();
    private final Counters counters = new Counters();
    private volatile ScheduledFuture<?> heartbeatTask;
    private volatile ScheduledFuture<?> expiryTask;

    private final Object lock = new Object();
    private WsLink link; // guarded by lock
    private boolean authenticated; // guarded by lock
    private boolean closed; // guarded by lock
    private long generation; // guarded by lock; counts authenticated sessions
    private long nextOrder; // guarded by lock; publish order of pending entries
    private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>(); // guarded by lock
    /** Pending ids to send, in order; may hold ids no longer pending (skipped when polled). Guarded by lock. */
    private final ArrayDeque<String> unsent = new ArrayDeque<>();
    private final Set<String> inFlight = new HashSet<>(); // guarded by lock
    /** Publishes pending when the session began (re-sends and journal replay); guarded by lock. */
    private final Set<String> backlog = new HashSet<>();
    /** Publishes refused with RATE_LIMIT/UNAVAILABLE, sent again when the pause ends; guarded by lock. */
    private final Set<String> held = new LinkedHashSet<>();
    private long pauseUntilNanos; // guarded by lock; nothing is sent before this time
    private boolean wakeupScheduled; // guarded by lock
    private int window; // guarded by lock; publishes that may await their Ack at once, 1..maxInFlight

    private final Map<String, CompletableFuture<PublishAck>> publishFutures = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<String>> requests = new ConcurrentHashMap<>();
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, Subscription> subscribeAcks = new ConcurrentHashMap<>();

    /** A publish waiting for its Ack. Guarded by the client's lock. */
    private static final class Pending {
        final String envelope;
        final long order;
        /** Sent at least once, by this client or (for entries read back from the journal) by an earlier run. */
        boolean sent;
        /** Sent in an earlier session and not yet again in this one: its next send counts as a replay. */
        boolean replayDue;

        Pending(String envelope, long order, boolean sent) {
            this.envelope = envelope;
            this.order = order;
            this.sent = sent;
        }
    }

    /** The event counters behind {@link ClientMetrics}. */
    private static final class Counters {
        final LongAdder published = new LongAdder();
        final LongAdder acknowledged = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder replayed = new LongAdder();
        final LongAdder retried = new LongAdder();
        final LongAdder expired = new LongAdder();
        final LongAdder dropped = new LongAdder();
        final LongAdder refusedPermanently = new LongAdder();
        final LongAdder bufferFullRefusals = new LongAdder();
        final LongAdder reconnects = new LongAdder();
    }

    private DeviceClient(DeviceClientOptions options) {
        this.options = options;
        this.listener = options.listener();
        this.journal = options.journal();
        this.resources = options.resources();
        if (resources != null) {
            this.http = resources.httpClient(options.sslContext());
            this.scheduler = resources.scheduler();
        } else {
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
        }
        this.backoff = new Backoff(options.reconnectInitial(), options.reconnectMax(), options.reconnectJitter());
        this.bootId = newBootId();
        this.window = options.maxInFlight();
        if (journal.maxAge().isPresent()) {
            // What grew too old while the process was not running is not replayed.
            counters.expired.add(journal.expire().size());
        }
        for (PublishJournal.Entry entry : journal.pendingInOrder()) {
            pending.put(entry.correlationId(), new Pending(entry.envelope(), nextOrder++, true));
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
        ClientResources shared = options.resources();
        if (shared != null && shared.isClosed()) {
            throw new IllegalStateException("client resources '" + shared.namePrefix() + "' are closed");
        }
        DeviceClient client = new DeviceClient(options);
        if (shared != null) {
            shared.register(client);
        }
        long heartbeat = options.heartbeatInterval().toMillis();
        client.heartbeatTask = client.scheduler.scheduleAtFixedRate(client::heartbeat, heartbeat, heartbeat,
                TimeUnit.MILLISECONDS);
        options.journal().maxAge().ifPresent(maxAge -> {
            long every = expiryInterval(maxAge).toMillis();
            client.expiryTask = client.scheduler.scheduleWithFixedDelay(client::expire, every, every,
                    TimeUnit.MILLISECONDS);
        });
        synchronized (client.lock) {
            if (client.closed) { // closed by another thread already: close() may have missed the tasks
                client.cancelTasks();
                return client;
            }
        }
        client.scheduler.execute(client::attempt);
        return client;
    }

    /** @return how often a journal with this age limit is expired: a tenth of it, within 1 s and 60 s */
    static Duration expiryInterval(Duration maxAge) {
        Duration tenth = maxAge.dividedBy(10);
        if (tenth.compareTo(MIN_EXPIRY_INTERVAL) < 0) {
            return MIN_EXPIRY_INTERVAL;
        }
        return tenth.compareTo(MAX_EXPIRY_INTERVAL) > 0 ? MAX_EXPIRY_INTERVAL : tenth;
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
     * @return a consistent-enough snapshot of this client's counters: each counter is read atomically, the set of
     *         them not (a publish acknowledged while the snapshot is taken may be counted in one field and not yet in
     *         another)
     */
    public ClientMetrics metrics() {
        int queued;
        synchronized (lock) {
            queued = pending.size();
        }
        Counters c = counters;
        return new ClientMetrics(queued, c.published.sum(), c.acknowledged.sum(), c.duplicates.sum(),
                c.replayed.sum(), c.retried.sum(), c.expired.sum(), c.dropped.sum(), c.refusedPermanently.sum(),
                c.bufferFullRefusals.sum(), c.reconnects.sum());
    }

    /**
     * Publishes with confirmation. The message is kept in the journal until the gateway acknowledges it; it is re-sent
     * with the same correlation id after {@code RATE_LIMIT} (after {@code retryAfterMs}), after {@code UNAVAILABLE}
     * and after every reconnect.
     *
     * @param subject     a subject without wildcards that this device may publish to
     * @param jsonPayload the payload, one valid JSON value, forwarded byte for byte
     * @return completes with the Ack, or fails with {@link DeviceException} for an Error the gateway will not change
     *         its mind about (e.g. {@code NOT_AUTHORIZED}, {@code INVALID_MESSAGE}), with {@code EXPIRED} or
     *         {@code DROPPED} when the journal gave it up, or with {@code CLOSED}; fails at once with the journal's
     *         exception when the journal refused it (a {@link StoreFullException} when full, also reported as
     *         {@link Event#BUFFER_FULL})
     */
    public CompletableFuture<PublishAck> publish(String subject, String jsonPayload) {
        String correlationId = nextId("p");
        String envelope = EnvelopeWriter.of(MessageType.PUBLISH, jsonPayload.length()).subject(subject)
                .rawPayload(jsonPayload).correlationId(correlationId).field("timestamp", Instant.now().toString())
                .build();
        CompletableFuture<PublishAck> future = new CompletableFuture<>();
        List<CompletableFuture<PublishAck>> droppedFutures = List.of();
        RuntimeException refused = null;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new DeviceException(DeviceException.CLOSED, "client is closed"));
            }
            List<String> dropped = List.of();
            try {
                List<String> reported = journal.addReportingDropped(correlationId, subject, envelope);
                dropped = reported != null ? reported : List.of();
            } catch (RuntimeException e) {
                refused = e;
            }
            if (refused == null) {
                counters.published.increment();
                pending.put(correlationId, new Pending(envelope, nextOrder++, false));
                publishFutures.put(correlationId, future);
                unsent.add(correlationId);
                if (!dropped.isEmpty()) {
                    droppedFutures = forgetLocked(dropped);
                    counters.dropped.add(droppedFutures.size());
                }
                pumpLocked();
            }
        }
        if (refused != null) {
            // A full or broken journal must not lose the reading silently: the caller hears of it now.
            if (refused instanceof StoreFullException) {
                counters.bufferFullRefusals.increment();
                emit(Event.BUFFER_FULL, refused.getMessage());
            }
            return CompletableFuture.failedFuture(refused);
        }
        if (!droppedFutures.isEmpty()) {
            fail(droppedFutures, DeviceException.DROPPED, "dropped from the full journal to make room for a newer"
                    + " publish");
            emit(Event.BUFFER_FULL, "journal full: dropped the " + droppedFutures.size()
                    + " oldest pending publish(es) to make room (policy DROP_OLDEST)");
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
        schedule(() -> {
            CompletableFuture<String> f = requests.remove(correlationId);
            if (f != null) {
                f.completeExceptionally(new DeviceException(DeviceException.TIMEOUT, "no answer to request on "
                        + subject + " within " + timeout));
            }
        }, timeout.toMillis() + 2000);
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
     * {@code CLOSED}. Shuts down the client's own scheduler, never those of a shared {@link ClientResources}.
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
        cancelTasks();
        if (resources == null) {
            scheduler.shutdownNow();
        } else {
            resources.unregister(this);
        }
        DeviceException ex = new DeviceException(DeviceException.CLOSED, "client closed");
        publishFutures.values().forEach(f -> f.completeExceptionally(ex));
        requests.values().forEach(f -> f.completeExceptionally(ex));
        emit(Event.CLOSED, "closed");
    }

    private void cancelTasks() {
        for (ScheduledFuture<?> task : new ScheduledFuture<?>[]{heartbeatTask, expiryTask}) {
            if (task != null) {
                task.cancel(false);
            }
        }
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
        schedule(this::attempt, delay.toMillis());
    }

    /** Sends a Ping while authenticated, and drops a connection that stayed silent too long (also before Auth). */
    private void heartbeat() {
        WsLink current;
        boolean isAuthenticated;
        synchronized (lock) {
            current = link;
            isAuthenticated = authenticated;
        }
        if (current == null) {
            return;
        }
        long silentMillis = (System.nanoTime() - current.lastReceivedNanos()) / 1_000_000;
        if (silentMillis > options.heartbeatTimeout().toMillis()) {
            String what = isAuthenticated ? "no answer from gateway" : "no answer to Auth";
            log.warn("{}: {} for {} ms, dropping the connection", options.deviceId(), what, silentMillis);
            current.abort(what + " for " + silentMillis + " ms");
            return;
        }
        if (isAuthenticated) {
            current.send("{\"type\":9}"); // before Auth a Ping would be refused with AUTH_REQUIRED
        }
    }

    /** Removes what outlived the journal's age limit and fails those publishes with EXPIRED. */
    private void expire() {
        List<CompletableFuture<PublishAck>> gone;
        synchronized (lock) {
            if (closed) {
                return;
            }
            try {
                // Under the lock: an entry is either acknowledged or expired, never both.
                gone = forgetLocked(journal.expire());
            } catch (RuntimeException e) {
                log.warn("{}: could not expire old publishes from the journal", options.deviceId(), e);
                return;
            }
            counters.expired.add(gone.size());
            pumpLocked();
        }
        if (!gone.isEmpty()) {
            log.warn("{}: {} publish(es) expired in the journal before the gateway acknowledged them",
                    options.deviceId(), gone.size());
            fail(gone, DeviceException.EXPIRED, "older than the journal's age limit "
                    + journal.maxAge().map(Duration::toString).orElse("") + "; not acknowledged by the gateway");
        }
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
                    held.clear();
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
            if (generation > 1) {
                counters.reconnects.increment();
            }
            inFlight.clear();
            held.clear();
            pauseUntilNanos = 0;
            wakeupScheduled = false; // a wakeup of the previous session finds another generation and does nothing
            window = options.maxInFlight();
            unsent.clear();
            unsent.addAll(pending.keySet());
            backlog.clear();
            backlog.addAll(pending.keySet());
            for (Pending p : pending.values()) {
                p.replayDue = p.sent;
            }
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
        boolean duplicate = payload.path("duplicate").asBoolean(false);
        synchronized (lock) {
            known = pending.remove(correlationId) != null;
            if (known) {
                inFlight.remove(correlationId);
                backlog.remove(correlationId);
                held.remove(correlationId);
                journal.remove(correlationId);
                counters.acknowledged.increment();
                if (duplicate) {
                    counters.duplicates.increment();
                }
                window = Math.min(options.maxInFlight(), window * 2);
                pumpLocked();
            }
        }
        CompletableFuture<PublishAck> f = publishFutures.remove(correlationId);
        if (known && f != null) {
            JsonNode stream = payload.path("stream");
            JsonNode seq = payload.path("seq");
            f.complete(new PublishAck(stream.isTextual() ? stream.asText() : null,
                    seq.isNumber() ? seq.asLong() : null, duplicate));
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
        synchronized (lock) {
            if (!pending.containsKey(correlationId)) {
                return;
            }
            if (retry) {
                if (inFlight.remove(correlationId)) { // else: an answer to a send of an earlier session
                    long delayMillis = "RATE_LIMIT".equals(code)
                            ? Math.max(1, payload.path("retryAfterMs").asLong(100))
                            : options.reconnectInitial().toMillis();
                    holdLocked(correlationId, delayMillis);
                }
                return;
            }
            pending.remove(correlationId);
            inFlight.remove(correlationId);
            backlog.remove(correlationId);
            held.remove(correlationId);
            journal.remove(correlationId);
            counters.refusedPermanently.increment();
            pumpLocked();
        }
        CompletableFuture<PublishAck> f = publishFutures.remove(correlationId);
        if (f != null) {
            f.completeExceptionally(new DeviceException(code, message));
        }
    }

    /**
     * A publish was refused for now: keep it back, stop sending for {@code delayMillis} (the gateway's word for when
     * it can take more), and fall back to one publish at a time, so that the refused ones do not come back as a herd.
     */
    private void holdLocked(String correlationId, long delayMillis) {
        held.add(correlationId);
        window = 1;
        pauseUntilNanos = Math.max(pauseUntilNanos, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis));
        if (!wakeupScheduled) {
            wakeupScheduled = true;
            long session = generation;
            schedule(() -> wakeup(session), delayMillis);
        }
    }

    /** The pause is over: the held publishes go first, in the order they were made. */
    private void wakeup(long session) {
        synchronized (lock) {
            if (closed || generation != session || !wakeupScheduled) {
                return; // after a reconnect everything pending is sent again anyway
            }
            long left = pauseUntilNanos - System.nanoTime();
            if (left > 0) { // extended by a later refusal
                schedule(() -> wakeup(session), Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                return;
            }
            wakeupScheduled = false;
            List<String> again = new ArrayList<>();
            for (String id : held) {
                if (pending.containsKey(id)) {
                    again.add(id);
                }
            }
            held.clear();
            again.sort(Comparator.comparingLong((String id) -> pending.get(id).order).reversed());
            again.forEach(unsent::addFirst);
            counters.retried.add(again.size());
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

    // Sends waiting publishes while fewer than the window wait for their Ack. Sends happen under the lock so that
    // publishes leave in the order they were made; WsLink.send only queues.
    private void pumpLocked() {
        if (!authenticated || link == null || closed || wakeupScheduled) {
            return; // wakeupScheduled: paused after a RATE_LIMIT or UNAVAILABLE refusal
        }
        // What was kept across a disconnect or a restart goes out one at a time: a refusal (rate limit, NATS away)
        // then holds everything behind it, so the stream receives the backlog in the order it was taken.
        int limit = backlog.isEmpty() ? window : 1;
        while (inFlight.size() < limit && !unsent.isEmpty()) {
            String id = unsent.poll();
            Pending p = pending.get(id);
            if (p != null && !held.contains(id) && inFlight.add(id)) {
                if (p.replayDue) {
                    p.replayDue = false;
                    counters.replayed.increment();
                }
                p.sent = true;
                link.send(p.envelope);
            }
        }
    }

    /**
     * Forgets pending publishes the journal no longer holds (dropped or expired).
     *
     * @return the futures of those that were pending, to be failed outside the lock
     */
    private List<CompletableFuture<PublishAck>> forgetLocked(List<String> ids) {
        List<CompletableFuture<PublishAck>> futures = new ArrayList<>(ids.size());
        for (String id : ids) {
            if (pending.remove(id) == null) {
                continue;
            }
            // unsent may keep the id: pumpLocked skips ids that are no longer pending.
            inFlight.remove(id);
            backlog.remove(id);
            held.remove(id);
            CompletableFuture<PublishAck> f = publishFutures.remove(id);
            futures.add(f != null ? f : new CompletableFuture<>());
        }
        return futures;
    }

    private static void fail(List<CompletableFuture<PublishAck>> futures, String code, String message) {
        DeviceException ex = new DeviceException(code, message);
        futures.forEach(f -> f.completeExceptionally(ex));
    }

    /** Schedules a one-off task; does nothing once the scheduler is shut down (the client or its resources closed). */
    private void schedule(Runnable task, long delayMillis) {
        try {
            scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
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
