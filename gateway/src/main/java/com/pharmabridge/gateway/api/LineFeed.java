package com.pharmabridge.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pharmabridge.gateway.config.GatewayConfig;
import com.pharmabridge.gateway.logging.Redact;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.Subscription;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Feeds the line view from JetStream on a NATS connection of its own, so that it never competes with device traffic
 * on the bridge's connection. Ordered consumers (ephemeral, flow-controlled: a slow view falls behind, it never makes
 * a device wait) read EVENTS, BATCHES, ALERTS and the counting station's TELEMETRY from {@code ui.replayHours} back and
 * then live; the rest of the telemetry (critical values) is followed only while someone has the page open. While
 * viewed, the streams' last sequences are read every two seconds for the message rates.
 */
public final class LineFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LineFeed.class);
    /** Read from the replay window on: low volume, needed for states, batches and OEE. */
    static final List<String> ALWAYS = List.of("events.>", "batch.>", "alerts.>", "factory.*.*.cartoner.>");
    /** All telemetry, from now on, only while the page is open. */
    static final String TELEMETRY = "factory.>";
    private static final Duration VIEWER_TIMEOUT = Duration.ofSeconds(30);
    private static final int RATE_POINTS = 150;

    private final GatewayConfig config;
    private final LineState state;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "line-view");
        t.setDaemon(true);
        return t;
    });
    private volatile Connection connection;
    private volatile Dispatcher dispatcher;
    private volatile Subscription telemetry;
    private volatile long lastViewedNanos = System.nanoTime() - VIEWER_TIMEOUT.toNanos() - 1;
    private volatile boolean closed;
    private final Map<String, Long> lastSequence = new LinkedHashMap<>();
    private long lastRateRead;
    private final Deque<ObjectNode> rates = new ArrayDeque<>();

    public LineFeed(GatewayConfig config, LineState state) {
        this.config = config;
        this.state = state;
    }

    public LineState state() {
        return state;
    }

    /** Connects in the background (retrying for as long as it takes, as the bridge does). */
    public void start() {
        Options options = Options.builder()
                .server(config.nats().url())
                .connectionName(config.nats().clientName() + " " + config.gateway().id() + " line-view")
                .connectionTimeout(config.nats().connectTimeout())
                .reconnectWait(config.nats().reconnectWait())
                .maxReconnects(-1)
                .errorListener(new ErrorListener() {
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        LOG.debug("Line view NATS error: {}", error);
                    }
                })
                .build();
        timer.execute(() -> {
            try {
                Connection c = Nats.connectReconnectOnConnect(options);
                if (closed) {
                    c.close();
                    return;
                }
                connection = c;
                dispatcher = c.createDispatcher();
                for (String subject : ALWAYS) {
                    follow(subject, config.ui().replay(), this::onMessage);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Line view cannot follow NATS: {}", Redact.url(e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        timer.scheduleWithFixedDelay(this::tick, 2, 2, TimeUnit.SECONDS);
    }

    /** From a JetStream stream when one stores the subject (replaying {@code replay}), else from core NATS. */
    private Subscription follow(String subject, Duration replay, io.nats.client.MessageHandler handler) {
        if (config.jetStream().enabled()) {
            ConsumerConfiguration.Builder consumer = ConsumerConfiguration.builder();
            if (replay.isZero()) {
                consumer.deliverPolicy(DeliverPolicy.New);
            } else {
                consumer.deliverPolicy(DeliverPolicy.ByStartTime)
                        .startTime(ZonedDateTime.now(ZoneOffset.UTC).minus(replay));
            }
            try {
                return connection.jetStream().subscribe(subject, dispatcher, handler, false,
                        PushSubscribeOptions.builder().ordered(true).configuration(consumer.build()).build());
            } catch (IOException | JetStreamApiException | IllegalStateException | IllegalArgumentException e) {
                LOG.debug("Line view follows {} on core NATS ({})", subject, e.getMessage());
            }
        }
        return dispatcher.subscribe(subject, handler);
    }

    /** The telemetry follower leaves the counting station's readings to the replaying one, which counts them. */
    private void onTelemetry(Message message) {
        String[] t = message.getSubject().split("\\.", 5);
        if (t.length < 4 || !t[3].equals(com.pharmabridge.protocol.oee.Oee.COUNTING_STATION)) {
            onMessage(message);
        }
    }

    private void onMessage(Message message) {
        String deviceId = null;
        Instant fallback = null;
        if (message.hasHeaders()) {
            deviceId = message.getHeaders().getFirst("Device-Id");
            fallback = instant(message.getHeaders().getFirst("Device-Timestamp"));
            if (fallback == null) {
                fallback = instant(message.getHeaders().getFirst("Received-At"));
            }
        }
        if (fallback == null && message.isJetStream()) {
            fallback = message.metaData().timestamp().toInstant();
        }
        state.accept(message.getSubject(), deviceId, message.getData(), fallback);
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** Someone looks at the page: telemetry and message rates are followed for the next half minute. */
    public void viewed() {
        lastViewedNanos = System.nanoTime();
    }

    private boolean beingViewed() {
        return System.nanoTime() - lastViewedNanos < VIEWER_TIMEOUT.toNanos();
    }

    private void tick() {
        Connection c = connection;
        if (c == null || closed) {
            return;
        }
        try {
            if (beingViewed() && telemetry == null && c.getStatus() == Connection.Status.CONNECTED) {
                telemetry = follow(TELEMETRY, Duration.ZERO, this::onTelemetry);
            } else if (!beingViewed() && telemetry != null) {
                dispatcher.unsubscribe(telemetry);
                telemetry = null;
            }
            if (beingViewed() && config.jetStream().enabled() && c.getStatus() == Connection.Status.CONNECTED) {
                readRates(c);
            }
        } catch (RuntimeException | IOException | JetStreamApiException e) {
            LOG.debug("Line view tick: {}", e.toString());
        }
    }

    private void readRates(Connection c) throws IOException, JetStreamApiException {
        long now = System.currentTimeMillis();
        Map<String, Long> sequences = new LinkedHashMap<>();
        for (StreamInfo info : c.jetStreamManagement().getStreams()) {
            sequences.put(info.getConfiguration().getName(), info.getStreamState().getLastSequence());
        }
        synchronized (rates) {
            if (lastRateRead > 0 && now > lastRateRead) {
                ObjectNode point = JsonNodeFactory.instance.objectNode().put("time", now);
                ObjectNode perStream = point.putObject("rates");
                for (GatewayConfig.StreamSpec spec : config.jetStream().streams()) {
                    Long before = lastSequence.get(spec.name());
                    Long after = sequences.get(spec.name());
                    if (before != null && after != null) {
                        perStream.put(spec.name(), Math.max(0, after - before) * 1000.0 / (now - lastRateRead));
                    }
                }
                rates.addLast(point);
                while (rates.size() > RATE_POINTS) {
                    rates.removeFirst();
                }
            }
            lastSequence.clear();
            lastSequence.putAll(sequences);
            lastRateRead = now;
        }
    }

    /** Message rates per stream (messages per second), oldest first, and each stream's total. */
    public ObjectNode rates() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        synchronized (rates) {
            ArrayNode points = out.putArray("points");
            rates.forEach(points::add);
            ObjectNode totals = out.putObject("stored");
            lastSequence.forEach(totals::put);
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
