package com.pharmabridge.gateway.metrics;

import com.pharmabridge.protocol.CloseCode;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.MessageType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Every meter the gateway exposes at /metrics (the catalogue is docs/monitoring.md). Labels are bounded sets
 * (message type, error code, close reason, outcome, action, stream); per-device figures live in /devices, never in
 * labels. Every labelled series is registered at start, so alert rules see zeros rather than missing series.
 */
public final class GatewayMetrics {
    /** The checks of a device's rights, one label value each. */
    public enum Action {
        PUBLISH, SUBSCRIBE, REQUEST, REPLY
    }

    /** Why a payload was refused by validation; bounded, for the label. */
    public enum ValidationReason {
        SCHEMA, GS1, NOT_JSON, EMPTY, BATCH_EVENT
    }

    /** Which of a device's limits refused a message. */
    public enum RateLimit {
        MESSAGES, BYTES
    }

    /** Bucket bounds of the processing-time histogram: a handful, since it is labelled by message type. */
    private static final Duration[] PROCESSING_BUCKETS = {Duration.ofNanos(50_000), Duration.ofNanos(100_000),
            Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(100)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<MessageType, Counter> received = new EnumMap<>(MessageType.class);
    private final Map<MessageType, Counter> sent = new EnumMap<>(MessageType.class);
    private final Map<MessageType, Timer> processing = new EnumMap<>(MessageType.class);
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
    private final Map<CloseCode, Counter> closes = new EnumMap<>(CloseCode.class);
    private final Map<Action, Counter> allowed = new EnumMap<>(Action.class);
    private final Map<Action, Counter> denied = new EnumMap<>(Action.class);
    private final Map<ValidationReason, Counter> validationRefused = new EnumMap<>(ValidationReason.class);
    private final Map<RateLimit, Counter> rateLimited = new EnumMap<>(RateLimit.class);
    private final Counter opened;
    private final Counter closedByDevice;
    private final Counter authSuccess;
    private final Counter authFailure;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter outgoingDropped;
    private final Counter durableDeliveries;
    private final Counter durableRedeliveries;
    private final Counter clockSkew;
    private final Counter uiLoginFailures;
    private final Map<String, Counter> connectionsRefused = new HashMap<>();
    private final Timer jetStreamPublish;
    private final Timer requestLatency;

    public GatewayMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        for (MessageType type : MessageType.values()) {
            String name = type.name().toLowerCase();
            received.put(type, Counter.builder("gateway.messages.received").tag("type", name)
                    .description("Device messages received, by envelope type").register(registry));
            sent.put(type, Counter.builder("gateway.messages.sent").tag("type", name)
                    .description("Messages sent to devices, by envelope type").register(registry));
            processing.put(type, Timer.builder("gateway.processing").tag("type", name)
                    .description("Handling of a device message on its event loop, from decoded to handed on, "
                            + "one message in eight of each connection (JetStream's part of a publish is "
                            + "gateway_jetstream_publish_latency)")
                    .serviceLevelObjectives(PROCESSING_BUCKETS).register(registry));
        }
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, Counter.builder("gateway.errors.sent").tag("code", code.name())
                    .description("Error messages sent to devices, by code").register(registry));
        }
        for (CloseCode code : CloseCode.values()) {
            closes.put(code, Counter.builder("gateway.connections.closed").tag("reason", code.name().toLowerCase())
                    .description("Connections closed by the gateway, by close code").register(registry));
        }
        for (Action action : Action.values()) {
            String name = action.name().toLowerCase();
            allowed.put(action, Counter.builder("gateway.authorization.checks").tag("action", name)
                    .tag("result", "allowed").description("Checks of a device's rights, by action and result")
                    .register(registry));
            denied.put(action, Counter.builder("gateway.authorization.checks").tag("action", name)
                    .tag("result", "denied").description("Checks of a device's rights, by action and result")
                    .register(registry));
        }
        for (ValidationReason reason : ValidationReason.values()) {
            validationRefused.put(reason, Counter.builder("gateway.validation.refused")
                    .tag("reason", reason.name().toLowerCase())
                    .description("Payloads refused by validation (INVALID_MESSAGE), by reason").register(registry));
        }
        for (RateLimit limit : RateLimit.values()) {
            rateLimited.put(limit, Counter.builder("gateway.rate.limited").tag("limit", limit.name().toLowerCase())
                    .description("Messages refused with RATE_LIMIT, by the limit that refused them").register(registry));
        }
        closedByDevice = Counter.builder("gateway.connections.closed").tag("reason", "device")
                .description("Connections closed by the gateway, by close code").register(registry);
        opened = Counter.builder("gateway.connections.opened").description("WebSocket connections accepted")
                .register(registry);
        authSuccess = Counter.builder("gateway.auth.attempts").tag("outcome", "success")
                .description("Authentication attempts by outcome").register(registry);
        authFailure = Counter.builder("gateway.auth.attempts").tag("outcome", "failure")
                .description("Authentication attempts by outcome").register(registry);
        bytesIn = Counter.builder("gateway.bytes.received").baseUnit("bytes")
                .description("WebSocket message bytes received from devices").register(registry);
        bytesOut = Counter.builder("gateway.bytes.sent").baseUnit("bytes")
                .description("WebSocket message bytes sent to devices (UTF-8 bytes of shared deliveries, characters of the"
                        + " rest: the same for ASCII text)").register(registry);
        outgoingDropped = Counter.builder("gateway.outgoing.dropped")
                .description("Messages dropped because a device read too slowly").register(registry);
        durableDeliveries = Counter.builder("gateway.durable.deliveries")
                .description("Messages delivered from durable JetStream consumers").register(registry);
        durableRedeliveries = Counter.builder("gateway.durable.redeliveries")
                .description("Durable deliveries JetStream had delivered before (not acknowledged in time)")
                .register(registry);
        clockSkew = Counter.builder("gateway.clock.skew.flagged")
                .description("Messages whose device timestamp was off by more than the allowed skew, or unreadable")
                .register(registry);
        uiLoginFailures = Counter.builder("gateway.ui.login.failures")
                .description("Refused logins to the line view (/ui)").register(registry);
        for (String reason : new String[]{"max_connections", "connection_rate", "shutting_down", "wrong_path"}) {
            connectionsRefused.put(reason, Counter.builder("gateway.connections.refused").tag("reason", reason)
                    .description("WebSocket upgrades refused, by reason").register(registry));
        }
        jetStreamPublish = Timer.builder("gateway.jetstream.publish.latency")
                .description("From receiving a publish to JetStream's acknowledgement")
                .publishPercentileHistogram().register(registry);
        requestLatency = Timer.builder("gateway.request.latency")
                .description("Device requests, from sending to the answer")
                .publishPercentileHistogram().register(registry);
    }

    public void bindGauges(IntSupplier activeSessions, BooleanSupplier natsConnected, BooleanSupplier ready,
                           IntSupplier streamDrift) {
        Gauge.builder("gateway.stream.drift", streamDrift, IntSupplier::getAsInt).strongReference(true)
                .description("Differences between live streams and their declared retention/protection").register(registry);
        // Strong references: Micrometer holds gauge targets weakly, and these lambdas have no other owner.
        Gauge.builder("gateway.connections.active", activeSessions, IntSupplier::getAsInt).strongReference(true)
                .description("Authenticated device sessions").register(registry);
        Gauge.builder("gateway.nats.connected", natsConnected, s -> s.getAsBoolean() ? 1 : 0).strongReference(true)
                .description("1 while the NATS connection is up").register(registry);
        Gauge.builder("gateway.ready", ready, s -> s.getAsBoolean() ? 1 : 0).strongReference(true)
                .description("1 while the gateway can store messages (NATS up, streams present)").register(registry);
    }

    /**
     * Figures read from the gateway's NATS connection when scraped.
     *
     * @param statistic reads one figure of the connection (0 while there is none)
     */
    public void bindNatsConnection(ToDoubleFunction<String> statistic) {
        FunctionCounter.builder("gateway.nats.reconnects", statistic, s -> s.applyAsDouble("reconnects"))
                .description("Times the NATS connection was re-established").register(registry);
        FunctionCounter.builder("gateway.nats.dropped", statistic, s -> s.applyAsDouble("dropped"))
                .description("Messages the NATS client dropped because the gateway's subscriptions fell behind "
                        + "(slow consumer on the NATS side)").register(registry);
        Gauge.builder("gateway.nats.pending.bytes", statistic, s -> s.applyAsDouble("pendingBytes"))
                .strongReference(true).baseUnit("bytes")
                .description("Bytes waiting to be written to NATS; device sockets pause above nats.maxPendingBytes")
                .register(registry);
    }

    /** Messages waiting for slow devices: in all, and for the slowest device. */
    public void bindOutgoing(LongSupplier queuedTotal, LongSupplier queuedMax) {
        Gauge.builder("gateway.outgoing.queued", queuedTotal, LongSupplier::getAsLong).strongReference(true)
                .description("Messages queued for devices that read slower than they receive, all sessions")
                .register(registry);
        Gauge.builder("gateway.outgoing.queued.max", queuedMax, LongSupplier::getAsLong).strongReference(true)
                .description("Messages queued for the slowest device").register(registry);
    }

    /** Streams' figures from JetStream, one series per declared stream (see {@link JetStreamGauges}). */
    public JetStreamGauges jetStreamGauges(List<String> streams, int maxConsumerSeries) {
        return new JetStreamGauges(registry, streams, maxConsumerSeries);
    }

    public void received(MessageType type, int bytes) {
        received.get(type).increment();
        bytesIn.increment(bytes);
    }

    public void sent(MessageType type) {
        sent.get(type).increment();
    }

    /** A message written (or queued) for a device, {@code chars} long. */
    public void sent(MessageType type, int chars) {
        sent.get(type).increment();
        bytesOut.increment(chars);
    }

    /**
     * {@code messages} of {@code chars} each written (or queued) for devices: one message fanned out to many counts
     * once, not once per device (two event loops adding to the same counters for every delivery were 12 % of their
     * time in a fan-out).
     */
    public void sent(MessageType type, int messages, int chars) {
        if (messages > 0) {
            sent.get(type).increment(messages);
            bytesOut.increment((double) messages * chars);
        }
    }

    /** Time a device message took on its event loop, from decoded to handled. */
    public void processed(MessageType type, long nanos) {
        processing.get(type).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void authorization(Action action, boolean wasAllowed) {
        (wasAllowed ? allowed : denied).get(action).increment();
    }

    public void validationRefused(ValidationReason reason) {
        validationRefused.get(reason).increment();
    }

    public void rateLimited(RateLimit limit) {
        rateLimited.get(limit).increment();
    }

    public void error(ErrorCode code) {
        errors.get(code).increment();
    }

    public void connectionOpened() {
        opened.increment();
    }

    public void closedByGateway(CloseCode code) {
        closes.get(code).increment();
    }

    public void closedByDevice() {
        closedByDevice.increment();
    }

    public void auth(boolean success) {
        (success ? authSuccess : authFailure).increment();
    }

    public void outgoingDropped(int count) {
        outgoingDropped.increment(count);
    }

    public void durableDelivered() {
        durableDeliveries.increment();
    }

    public void durableRedelivered() {
        durableRedeliveries.increment();
    }

    public void clockSkewed() {
        clockSkew.increment();
    }

    public void uiLoginFailed() {
        uiLoginFailures.increment();
    }

    /** @param reason one of max_connections, connection_rate, shutting_down, wrong_path */
    public void connectionRefused(String reason) {
        connectionsRefused.get(reason).increment();
    }

    public void jetStreamPublished(long nanos) {
        jetStreamPublish.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void requestAnswered(long nanos) {
        requestLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
