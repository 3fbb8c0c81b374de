package com.pharmabridge.gateway.bridge;

import com.pharmabridge.gateway.config.GatewayConfig;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageHandler;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.StreamContext;
import io.nats.client.Subscription;
import io.nats.client.api.PublishAck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's one NATS connection and what sessions do with it. Nothing here blocks: publishes are queued (or
 * refused as {@link Unavailable} while disconnected, rather than buffered where a crash would lose them), JetStream
 * acknowledgements and request answers come back as futures completed on NATS threads.
 */
public final class NatsBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NatsBridge.class);
    /**
     * Where the answer to a request stored in a stream goes. A stream answers a message's own reply subject with its
     * PubAck, so a request that must also be stored names its inbox in this header instead.
     */
    public static final String REPLY_SUBJECT_HEADER = "Reply-Subject";
    /** JetStream's deduplication header, as jnats sets it from {@code PublishOptions.messageId}. */
    private static final String MSG_ID_HEADER = "Nats-Msg-Id";
    private static final String MAX_DELIVERIES_ADVISORY = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final int DISPATCHERS = 2;
    /** Above this many queued messages sessions pause; kept well below jnats' own queue limit, which would block. */
    private static final int MAX_PENDING_MESSAGES = 20_000;

    private final GatewayConfig config;
    private final StreamCatalog streams;
    private final ExecutorService management = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jetstream-provisioning");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService flusher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "nats-flush");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger nextDispatcher = new AtomicInteger();
    private volatile Connection connection;
    private volatile JetStream jetStream;
    private volatile JetStreamManagement management0;
    private volatile Dispatcher[] dispatchers;
    private volatile boolean streamsReady;
    private volatile List<String> streamDrift = List.of();
    private volatile String lastProblem = "not connected yet";
    private volatile boolean closing;
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(5);
    private final Object flushLock = new Object();
    private final java.util.List<CompletableFuture<Void>> flushWaiters = new java.util.ArrayList<>();
    private boolean flushRunning;
    private final java.util.concurrent.ConcurrentHashMap<String, CompletableFuture<Message>> storedRequests =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong storedRequestIds = new java.util.concurrent.atomic.AtomicLong();
    private volatile String storedReplyPrefix;
    private final java.util.Map<String, String> durableOwners = new java.util.concurrent.ConcurrentHashMap<>();
    /** One per event loop when {@code nats.publishPerEventLoop} applies; empty otherwise. */
    private volatile LoopPublisher[] loopPublishers = new LoopPublisher[0];

    public NatsBridge(GatewayConfig config) {
        this.config = config;
        this.streams = new StreamCatalog(config.jetStream().enabled() ? config.jetStream().streams() : List.of());
    }

    /**
     * Connects in the background, retrying until NATS is there: the gateway serves devices (refusing what it cannot
     * deliver with UNAVAILABLE) and answers /ready with 503 meanwhile.
     */
    public void start() {
        GatewayConfig.Nats nats = config.nats();
        Options options = Options.builder()
                .server(nats.url())
                .connectionName(nats.clientName() + " " + config.gateway().id())
                .connectionTimeout(nats.connectTimeout())
                .reconnectWait(nats.reconnectWait())
                .maxReconnects(-1)
                .reconnectBufferSize(0)
                .maxMessagesInOutgoingQueue(MAX_PENDING_MESSAGES * 4)
                .reportNoResponders()
                .connectionListener(this::onConnectionEvent)
                .errorListener(new LoggingErrorListener(com.pharmabridge.gateway.logging.Redact.url(nats.url())))
                .build();
        Thread connector = new Thread(() -> {
            // jnats retries an unreachable server itself, but gives up for good on a refusal such as an
            // authorization violation: try again (less and less often) so that corrected credentials are picked up.
            long waitMillis = Math.max(100, nats.reconnectWait().toMillis());
            while (!closing) {
                try {
                    connected(Nats.connectReconnectOnConnect(options));
                    return;
                } catch (IOException | RuntimeException e) {
                    lastProblem = com.pharmabridge.gateway.logging.Redact.url("Cannot connect to NATS at " + nats.url()
                            + ": " + e.getMessage());
                    LOG.error("{}; trying again in {} ms", lastProblem, waitMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(waitMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                waitMillis = Math.min(waitMillis * 2, 30_000);
            }
        }, "nats-connect");
        connector.setDaemon(true);
        connector.start();
    }

    /**
     * Gives every Vert.x event loop its own publishing connection (see {@link LoopPublisher}), when configured and the
     * URL is a single plain {@code nats://} server; otherwise devices' publishes go through jnats.
     */
    public void attachEventLoops(io.vertx.core.Vertx vertx) {
        NatsEndpoint endpoint = NatsEndpoint.parse(config.nats().url());
        if (!config.nats().publishPerEventLoop() || endpoint == null) {
            if (config.nats().publishPerEventLoop()) {
                LOG.info("Device publishes go through jnats: nats.url is not a single plain nats:// server");
            }
            return;
        }
        io.vertx.core.internal.VertxInternal internal = (io.vertx.core.internal.VertxInternal) vertx;
        io.netty.channel.ChannelFactory<? extends io.netty.channel.Channel> channels =
                internal.transport().channelFactory(false);
        List<LoopPublisher> created = new java.util.ArrayList<>();
        int index = 0;
        for (io.netty.util.concurrent.EventExecutor executor : internal.nettyEventLoopGroup()) {
            LoopPublisher publisher = new LoopPublisher((io.netty.channel.EventLoop) executor, channels, endpoint,
                    config.nats().clientName() + " " + config.gateway().id() + " loop-" + index++,
                    config.nats().maxPendingBytes(), config.jetStream().publishTimeout().toNanos(),
                    config.nats().reconnectWait().toMillis());
            created.add(publisher);
        }
        loopPublishers = created.toArray(LoopPublisher[]::new);
        created.forEach(LoopPublisher::start);
    }

    /** The calling event loop's publishing connection, or {@code null} off the loops or without them. */
    private LoopPublisher currentLoopPublisher() {
        for (LoopPublisher publisher : loopPublishers) {
            if (publisher.loop().inEventLoop()) {
                return publisher;
            }
        }
        return null;
    }

    private boolean loopPublishersReady() {
        for (LoopPublisher publisher : loopPublishers) {
            if (!publisher.isReady()) {
                return false;
            }
        }
        return true;
    }

    /** Bytes queued for NATS and not yet written, over every connection. */
    public long outgoingPendingBytes() {
        Connection c = connection;
        long pending = c == null ? 0 : c.outgoingPendingBytes();
        for (LoopPublisher publisher : loopPublishers) {
            pending += publisher.pendingBytes();
        }
        return pending;
    }

    private void connected(Connection established) throws IOException {
        Dispatcher[] created = new Dispatcher[DISPATCHERS];
        for (int i = 0; i < DISPATCHERS; i++) {
            created[i] = established.createDispatcher();
        }
        storedReplyPrefix = established.createInbox() + ".";
        created[0].subscribe(storedReplyPrefix + "*", reply -> {
            CompletableFuture<Message> waiting = storedRequests.remove(reply.getSubject());
            if (waiting != null) {
                waiting.complete(reply);
            }
        });
        created[1].subscribe(MAX_DELIVERIES_ADVISORY, this::onMaxDeliveries);
        dispatchers = created;
        jetStream = established.jetStream();
        management0 = established.jetStreamManagement();
        connection = established;
        if (closing) {
            closeConnection();
            return;
        }
        management.execute(this::provisionStreams);
    }

    private void onConnectionEvent(Connection conn, ConnectionListener.Events event) {
        LOG.info("NATS connection {}", event.getEvent());
        switch (event) {
            case RECONNECTED, RESUBSCRIBED -> {
                if (management0 != null) {
                    management.execute(this::provisionStreams);
                }
            }
            case DISCONNECTED, CLOSED -> {
                lastProblem = "NATS connection " + event.getEvent();
            }
            default -> {
            }
        }
    }

    private void provisionStreams() {
        if (!isConnected()) {
            return;
        }
        try {
            if (config.jetStream().enabled()) {
                streamDrift = List.copyOf(StreamProvisioner.provision(management0, config.jetStream().streams()));
            }
            streamsReady = true;
            lastProblem = null;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            streamsReady = false;
            lastProblem = "JetStream streams not provisioned: " + e.getMessage();
            LOG.error("Cannot provision JetStream streams: {}", e.getMessage());
            management.execute(this::retryProvisionLater);
        }
    }

    private void retryProvisionLater() {
        try {
            TimeUnit.SECONDS.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!streamsReady) {
            provisionStreams();
        }
    }


    public boolean isConnected() {
        Connection c = connection;
        return c != null && c.getStatus() == Connection.Status.CONNECTED;
    }

    /** Ready: connected (every publishing connection too), and the declared streams exist. */
    public boolean isReady() {
        return isConnected() && streamsReady && loopPublishersReady();
    }

    public String problem() {
        if (isReady()) {
            return null;
        }
        if (!isConnected()) {
            for (LoopPublisher publisher : loopPublishers) {
                if (!publisher.isReady()) {
                    // jnats does not say why; the publishing connection keeps NATS' own reason.
                    return "NATS not connected (publishing connection: " + publisher.problem() + ")";
                }
            }
            return "NATS not connected";
        }
        for (LoopPublisher publisher : loopPublishers) {
            if (!publisher.isReady()) {
                return "NATS publishing connection: " + publisher.problem();
            }
        }
        return lastProblem;
    }

    public List<String> streamDrift() {
        return streamDrift;
    }

    public StreamCatalog streams() {
        return streams;
    }

    /** True while the connection has more unsent data than the configured limit; sessions pause reading then. */
    public boolean isCongested() {
        LoopPublisher direct = currentLoopPublisher();
        if (direct != null) {
            return direct.isCongested();
        }
        Connection c = connection;
        return c != null && (c.outgoingPendingBytes() > config.nats().maxPendingBytes()
                || c.outgoingPendingMessageCount() > MAX_PENDING_MESSAGES);
    }

    /**
     * Calls {@code resume} on the calling event loop when its publishing connection has drained below its low-water
     * mark; without such a connection returns {@code false} and the caller polls {@link #isCongested()}.
     */
    public boolean resumeWhenUncongested(Runnable resume) {
        LoopPublisher direct = currentLoopPublisher();
        if (direct == null) {
            return false;
        }
        direct.whenDrained(resume);
        return true;
    }

    /** NATS refuses a message whose payload and headers exceed the server's max_payload; say so before trying. */
    private void requireFits(NatsHeaders headers, byte[] payload) {
        requireFits(headers, payload, maxPayload());
    }

    private static void requireFits(NatsHeaders headers, byte[] payload, long maxPayload) {
        long size = (long) payload.length + (headers == null ? 0 : headers.serializedLength());
        if (size > maxPayload) {
            throw new com.pharmabridge.protocol.ProtocolException(com.pharmabridge.protocol.ErrorCode.PAYLOAD_TOO_LARGE,
                    "Payload with the gateway's headers is " + size + " bytes; NATS accepts at most " + maxPayload);
        }
    }

    public void publish(String subject, NatsHeaders headers, byte[] payload) {
        LoopPublisher direct = currentLoopPublisher();
        if (direct != null) {
            requireFits(headers, payload, direct.maxPayload());
            direct.publish(subject, headers, payload);
            return;
        }
        requireConnected();
        requireFits(headers, payload);
        try {
            connection.publish(subject, headers == null ? null : headers.toJnats(), payload);
        } catch (IllegalStateException e) {
            throw new Unavailable("NATS cannot take the message now: " + e.getMessage());
        }
    }

    /** Publishes into JetStream; the future completes when the stream has stored it (or with the failure). */
    public CompletableFuture<PublishAck> publishDurably(String subject, NatsHeaders headers, byte[] payload, String messageId) {
        return publishDurably(subject, headers, payload, messageId, null);
    }

    /**
     * As {@link #publishDurably(String, NatsHeaders, byte[], String)}, refused by the stream unless the last message on
     * {@code subject} has stream sequence {@code expectedLastSubjectSequence} (when not {@code null}): a writer that
     * must not interleave with another.
     */
    public CompletableFuture<PublishAck> publishDurably(String subject, NatsHeaders headers, byte[] payload, String messageId,
                                                        Long expectedLastSubjectSequence) {
        LoopPublisher direct = expectedLastSubjectSequence == null ? currentLoopPublisher() : null;
        if (direct != null) {
            NatsHeaders withId = headers == null ? new NatsHeaders() : headers;
            if (messageId != null && !messageId.equals(withId.get(MSG_ID_HEADER))) {
                withId.put(MSG_ID_HEADER, messageId);
            }
            requireFits(withId, payload, direct.maxPayload());
            return direct.publishDurably(subject, withId, payload);
        }
        requireConnected();
        requireFits(headers, payload);
        PublishOptions.Builder builder = PublishOptions.builder().streamTimeout(config.jetStream().publishTimeout());
        if (messageId != null) {
            builder.messageId(messageId);
        }
        if (expectedLastSubjectSequence != null) {
            builder.expectedLastSubjectSequence(expectedLastSubjectSequence);
        }
        PublishOptions options = builder.build();
        try {
            return jetStream.publishAsync(subject, headers == null ? null : headers.toJnats(), payload, options)
                    .orTimeout(config.jetStream().publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (IllegalStateException e) {
            throw new Unavailable("NATS cannot take the message now: " + e.getMessage());
        }
    }

    public CompletableFuture<Message> request(String subject, NatsHeaders headers, byte[] payload, Duration timeout) {
        requireConnected();
        requireFits(headers, payload);
        try {
            return connection.requestWithTimeout(subject, headers == null ? null : headers.toJnats(), payload, timeout)
                    .orTimeout(timeout.toMillis() + 250, TimeUnit.MILLISECONDS);
        } catch (IllegalStateException e) {
            throw new Unavailable("NATS cannot take the request now: " + e.getMessage());
        }
    }

    /**
     * A request on a subject a stream stores: the request is stored (the future fails if JetStream refuses it) and
     * the answer is awaited on the gateway's own inbox, named in the {@value #REPLY_SUBJECT_HEADER} header.
     */
    public CompletableFuture<Message> requestThroughStream(String subject, NatsHeaders headers, byte[] payload,
                                                           String messageId, Duration timeout) {
        String inbox = storedReplyPrefix + storedRequestIds.incrementAndGet();
        headers.put(REPLY_SUBJECT_HEADER, inbox);
        CompletableFuture<Message> reply = new CompletableFuture<>();
        storedRequests.put(inbox, reply);
        try {
            publishDurably(subject, headers, payload, messageId).whenComplete((ack, failure) -> {
                if (failure != null) {
                    reply.completeExceptionally(failure);
                }
            });
        } catch (RuntimeException e) {
            storedRequests.remove(inbox);
            throw e;
        }
        return reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((answer, failure) -> storedRequests.remove(inbox));
    }

    /** Remembers which device a durable consumer serves, so an alert about it can name the device. */
    public void registerDurable(String consumerName, String deviceId) {
        durableOwners.put(consumerName, deviceId);
    }

    /**
     * JetStream gave up redelivering a message to a device's durable consumer: publish an alert (stored in the
     * alerts stream, deduplicated across gateways) so that someone follows up the command the device never confirmed.
     */
    private void onMaxDeliveries(Message advisory) {
        try {
            com.fasterxml.jackson.databind.JsonNode event = JSON.readTree(advisory.getData());
            String consumer = event.path("consumer").asText("");
            if (!consumer.startsWith("dev_")) {
                return; // not one of ours
            }
            String stream = event.path("stream").asText("");
            long streamSeq = event.path("stream_seq").asLong();
            com.fasterxml.jackson.databind.node.ObjectNode alert = JSON.createObjectNode()
                    .put("alert", "durable-max-deliveries")
                    .put("severity", "high")
                    .put("stream", stream)
                    .put("streamSeq", streamSeq)
                    .put("consumer", consumer)
                    .put("deviceId", durableOwners.get(consumer))
                    .put("deliveries", event.path("deliveries").asLong())
                    .put("gatewayId", config.gateway().id())
                    .put("at", java.time.Instant.now().toString());
            String subject = "alerts.gateway." + config.gateway().id().replaceAll("[^A-Za-z0-9_-]", "_")
                    + ".max-deliveries";
            NatsHeaders headers = new NatsHeaders().put("Gateway-Id", config.gateway().id());
            publishDurably(subject, headers, JSON.writeValueAsBytes(alert),
                    "max-deliveries:" + stream + ":" + streamSeq + ":" + consumer)
                    .whenComplete((ack, failure) -> {
                        if (failure != null) {
                            LOG.error("Could not store the max-deliveries alert for {} seq {}: {}", consumer, streamSeq,
                                    failure.toString());
                        }
                    });
            LOG.warn("Durable delivery gave up: stream {} seq {} to consumer {} (device {})", stream, streamSeq,
                    consumer, durableOwners.get(consumer));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Unreadable max-deliveries advisory: {}", e.toString());
        }
    }

    /**
     * Completes once nats-server has processed everything this connection sent before the call (e.g. a new
     * subscription). Callers share round trips: at most one flush is outstanding, so a burst of subscriptions never
     * exceeds the client's limit of unanswered pings (which would drop the connection for everyone).
     */
    public CompletableFuture<Void> afterServerCaughtUp() {
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        synchronized (flushLock) {
            flushWaiters.add(waiter);
            if (!flushRunning) {
                flushRunning = true;
                flusher.execute(this::flushForWaiters);
            }
        }
        return waiter;
    }

    private void flushForWaiters() {
        while (true) {
            java.util.List<CompletableFuture<Void>> batch;
            synchronized (flushLock) {
                if (flushWaiters.isEmpty()) {
                    flushRunning = false;
                    return;
                }
                batch = new java.util.ArrayList<>(flushWaiters);
                flushWaiters.clear();
            }
            try {
                requireConnected();
                connection.flush(FLUSH_TIMEOUT);
                batch.forEach(w -> w.complete(null));
            } catch (Exception e) {
                batch.forEach(w -> w.completeExceptionally(e));
            }
        }
    }

    /** Spreads durable consumers over the shared dispatchers. */
    public Dispatcher dispatcherFor(String consumerName) {
        Dispatcher[] all = dispatchers;
        return all[Math.floorMod(consumerName.hashCode(), all.length)];
    }

    /** The largest message (payload plus headers) the connected server accepts; 1 MiB before connecting. */
    public long maxPayload() {
        LoopPublisher direct = currentLoopPublisher();
        if (direct != null) {
            return direct.maxPayload();
        }
        Connection c = connection;
        return c == null || c.getServerInfo() == null ? 1024 * 1024 : c.getServerInfo().getMaxPayload();
    }

    /** Subscribes on one of the shared dispatchers; the handler runs on a NATS thread. */
    public Subscription subscribe(String subject, MessageHandler handler) {
        Dispatcher[] all = dispatchers;
        Dispatcher dispatcher = all[Math.floorMod(nextDispatcher.getAndIncrement(), all.length)];
        return dispatcher.subscribe(subject, handler);
    }

    /** True on an event loop that has its own NATS connection (see {@link #subscribeOnThisLoop}). */
    public boolean hasLoopConnectionHere() {
        return currentLoopPublisher() != null;
    }

    /**
     * Subscribes on the calling event loop's own NATS connection: the handler then runs on that loop. {@code null} off
     * the loops or without loop connections ({@code nats.publishPerEventLoop}); use {@link #subscribe} then.
     */
    public LoopSubscription subscribeOnThisLoop(String subject, CoreMessageHandler handler) {
        LoopPublisher direct = currentLoopPublisher();
        return direct == null ? null : new LoopSubscription(direct, direct.subscribe(subject, handler));
    }

    public void unsubscribe(Subscription subscription) {
        Dispatcher dispatcher = subscription.getDispatcher();
        try {
            if (dispatcher != null) {
                dispatcher.unsubscribe(subscription);
            } else {
                subscription.unsubscribe();
            }
        } catch (IllegalStateException e) {
            LOG.debug("Unsubscribe after close: {}", e.getMessage());
        }
    }

    public StreamContext streamContext(String stream) throws IOException, JetStreamApiException {
        requireConnected();
        return connection.getStreamContext(stream);
    }

    public JetStreamManagement management() {
        return management0;
    }

    public Connection connection() {
        return connection;
    }

    private void requireConnected() {
        if (!isConnected()) {
            throw new Unavailable("NATS is not connected; nothing was stored");
        }
    }

    /** Waits for queued messages to be written, then closes; used at shutdown after devices are gone. */
    @Override
    public void close() {
        closing = true;
        management.shutdownNow();
        flusher.shutdownNow();
        closeLoopPublishers();
        closeConnection();
    }

    /**
     * Writes out and closes the event loops' publishing connections; called before the event loops stop (and again,
     * harmlessly, by {@link #close()}).
     */
    public void closeLoopPublishers() {
        CompletableFuture<?>[] closing = java.util.Arrays.stream(loopPublishers).map(LoopPublisher::close)
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(closing).get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("NATS publishing connections did not close cleanly: {}", e.toString());
        }
        // Devices are gone. Readiness no longer waits for the closed connections: the audit trail writes its last
        // records (gateway.stop) only while the bridge is ready, and otherwise waited out the shutdown timeout and
        // lost them.
        loopPublishers = new LoopPublisher[0];
    }

    private void closeConnection() {
        Connection c = connection;
        if (c == null) {
            return;
        }
        try {
            if (c.getStatus() == Connection.Status.CONNECTED) {
                c.flush(Duration.ofSeconds(2));
                c.drain(Duration.ofSeconds(5)).get(6, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.warn("NATS drain did not finish cleanly: {}", e.getMessage());
        }
        try {
            c.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class LoggingErrorListener implements ErrorListener {
        private final String url;

        LoggingErrorListener(String url) {
            this.url = url;
        }

        @Override
        public void errorOccurred(Connection conn, String error) {
            LOG.warn("NATS error ({}): {}", url, error);
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            LOG.warn("NATS {}: {}", url, exp.toString());
        }
    }
}
