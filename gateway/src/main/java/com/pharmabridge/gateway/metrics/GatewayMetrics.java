package com.pharmabridge.gateway.metrics;

import com.pharmabridge.protocol.CloseCode;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.MessageType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Every meter the gateway exposes at /metrics. Labels are bounded sets (message type, error code, close reason,
 * outcome); per-device figures live in /devices, never in labels.
 */
public final class GatewayMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<MessageType, Counter> received = new EnumMap<>(MessageType.class);
    private final Map<MessageType, Counter> sent = new EnumMap<>(MessageType.class);
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
    private final Map<CloseCode, Counter> closes = new EnumMap<>(CloseCode.class);
    private final Counter opened;
    private final Counter closedByDevice;
    private final Counter authSuccess;
    private final Counter authFailure;
    private final Counter bytesIn;
    private final Counter outgoingDropped;
    private final Counter durableDeliveries;
    private final Counter clockSkew;
    private final Map<String, Counter> connectionsRefused = new java.util.HashMap<>();
    private final Timer jetStreamPublish;
    private final Timer requestLatency;

    public GatewayMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        for (MessageType type : MessageType.values()) {
            String name = type.name().toLowerCase();
            received.put(type, Counter.builder("gateway.messages.received").tag("type", name)
                    .description("Device messages received, by envelope type").register(registry));
            sent.put(type, Counter.builder("gateway.messages.sent").tag("type", name)
                    .description("Messages sent to devices, by envelope type").register(registry));
        }
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, Counter.builder("gateway.errors.sent").tag("code", code.name())
                    .description("Error messages sent to devices, by code").register(registry));
        }
        for (CloseCode code : CloseCode.values()) {
            closes.put(code, Counter.builder("gateway.connections.closed").tag("reason", code.name().toLowerCase())
                    .description("Connections closed by the gateway, by close code").register(registry));
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
        outgoingDropped = Counter.builder("gateway.outgoing.dropped")
                .description("Messages dropped because a device read too slowly").register(registry);
        durableDeliveries = Counter.builder("gateway.durable.deliveries")
                .description("Messages delivered from durable JetStream consumers").register(registry);
        clockSkew = Counter.builder("gateway.clock.skew.flagged")
                .description("Messages whose device timestamp was off by more than the allowed skew, or unreadable")
                .register(registry);
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

    public void received(MessageType type, int bytes) {
        received.get(type).increment();
        bytesIn.increment(bytes);
    }

    public void sent(MessageType type) {
        sent.get(type).increment();
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

    public void clockSkewed() {
        clockSkew.increment();
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
