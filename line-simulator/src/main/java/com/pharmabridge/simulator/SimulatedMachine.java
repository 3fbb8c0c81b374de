package com.pharmabridge.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One simulated device: keeps a connection to the gateway (log in, reconnect with back-off) and publishes its
 * machine's readings at a fixed rate on the shared scheduler. Every reading goes into a bounded pending buffer
 * first and stays there until acked, so readings taken while offline or refused for a transient reason are sent
 * (again, with the same correlation id) when the gateway takes them.
 */
final class SimulatedMachine implements DeviceConnection.Events {
    static final Duration AUTH_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
    static final int PENDING_CAPACITY = 512;
    /** Sends allowed to wait on a socket before the machine stops handing it more. */
    static final int MAX_QUEUED_SENDS = 64;
    static final long DEFAULT_RETRY_AFTER_MS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedMachine.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimulatedDevice device;
    private final URI gateway;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final SimulatorCounters counters;
    private final TelemetryGenerator generator;
    private final Clock clock;
    private final long periodNanos;
    private final long firstTickNanos;

    // All below guarded by this.
    private final PendingPublishes pending = new PendingPublishes(PENDING_CAPACITY);
    private final Backoff backoff;
    private final SendPacer pacer;
    private final Set<String> reportedErrorCodes = new HashSet<>();
    private DeviceConnection connection;
    private boolean authenticated;
    private boolean stopped;
    private long sequence;
    /**
     * Correlation ids are the gateway's deduplication key: a machine restarting its counter must not reuse ids
     * from its previous run, or JetStream would take its new readings for re-sends and keep none of them.
     */
    private final String bootId = Long.toString(System.currentTimeMillis(), 36);
    private boolean paused;
    private long pausedUntilNanos;
    private ScheduledFuture<?> ticker;
    private ScheduledFuture<?> authTimeout;
    private ScheduledFuture<?> reconnect;
    private ScheduledFuture<?> resume;
    private ScheduledFuture<?> drain;

    SimulatedMachine(SimulatedDevice device, SimulationOptions options, URI gateway, HttpClient http,
                     ScheduledExecutorService scheduler, SimulatorCounters counters, Clock clock) {
        this.device = device;
        this.gateway = gateway;
        this.http = http;
        this.scheduler = scheduler;
        this.counters = counters;
        this.clock = clock;
        SplittableRandom data = TelemetryGenerators.deviceRandom(options.seed(), device.deviceId());
        // Timing draws (jitter, start offset) come from a separate stream, so that how often the connection drops
        // cannot change the data a seed produces.
        SplittableRandom timing = data.split();
        this.generator = TelemetryGenerators.forDevice(device, options.batchId(), data,
                clock.instant().atZone(clock.getZone()).toLocalDate());
        this.backoff = new Backoff(timing);
        this.pacer = SendPacer.forPublishRate(options.messagesPerSecondPerDevice());
        this.periodNanos = Math.max(1, Math.round(1e9 / options.messagesPerSecondPerDevice()));
        // Spread devices over the period so that a line does not publish in bursts.
        this.firstTickNanos = timing.nextLong(periodNanos);
    }

    SimulatedDevice device() {
        return device;
    }

    synchronized void start() {
        ticker = scheduler.scheduleAtFixedRate(this::tick, firstTickNanos, periodNanos, TimeUnit.NANOSECONDS);
        connect();
    }

    /**
     * Stops publishing and reconnecting, and closes the connection with 1000 after what it was sending.
     *
     * @return completes when the gateway has confirmed the close, or after {@link #CLOSE_TIMEOUT} (then the socket
     *         is aborted)
     */
    CompletableFuture<Void> stop() {
        DeviceConnection closing;
        synchronized (this) {
            if (stopped) {
                return CompletableFuture.completedFuture(null);
            }
            stopped = true;
            cancel(ticker);
            cancel(authTimeout);
            cancel(reconnect);
            cancel(resume);
            cancel(drain);
            loggedOut();
            closing = connection;
            connection = null;
        }
        return closing == null ? CompletableFuture.completedFuture(null)
                : closing.close(1000, "simulation stopped", CLOSE_TIMEOUT);
    }

    private void connect() {
        synchronized (this) {
            if (stopped) {
                return;
            }
        }
        DeviceConnection.open(http, gateway, this).whenComplete((opened, error) -> {
            if (error != null) {
                LOG.debug("Device {} could not connect to {}: {}", device.deviceId(), gateway, error.toString());
                synchronized (this) {
                    scheduleReconnect();
                }
            } else {
                opened(opened);
            }
        });
    }

    private synchronized void opened(DeviceConnection opened) {
        if (stopped) {
            opened.close(1000, "simulation stopped", CLOSE_TIMEOUT);
            return;
        }
        connection = opened;
        if (opened.isEnded()) {
            ended(opened, 1006, "closed during handshake");
            return;
        }
        opened.send(DeviceMessages.auth(device));
        authTimeout = schedule(() -> authTimedOut(opened), AUTH_TIMEOUT.toMillis());
    }

    private synchronized void authTimedOut(DeviceConnection c) {
        if (c == connection && !authenticated) {
            LOG.warn("Device {} got no answer to its login within {}", device.deviceId(), AUTH_TIMEOUT);
            c.abort("no login answer");
            ended(c, 1006, "no login answer"); // in case the connection had ended before it became current
        }
    }

    @Override
    public void message(DeviceConnection from, String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            LOG.debug("Device {} received a message that is not JSON: {}", device.deviceId(), e.getMessage());
            return;
        }
        MessageType type = MessageType.fromCode(message.path("type").asInt(-1));
        if (type == null) {
            return;
        }
        synchronized (this) {
            if (from != connection) {
                return; // a late message on a connection already given up
            }
            switch (type) {
                case AUTH -> loginAnswered(from, message.path("payload"));
                case ACK -> acknowledged(message);
                case ERROR -> refused(message);
                default -> {
                    // Pong and others need no action: the simulator subscribes to nothing.
                }
            }
        }
    }

    @Override
    public void closed(DeviceConnection c, int statusCode, String reason) {
        // Handled on the scheduler: a close can be reported from inside a send this machine makes under its lock.
        execute(() -> ended(c, statusCode, reason));
    }

    private synchronized void ended(DeviceConnection c, int statusCode, String reason) {
        if (c != connection) {
            return;
        }
        connection = null;
        cancel(authTimeout);
        boolean wasLoggedIn = authenticated;
        loggedOut();
        if (stopped) {
            return;
        }
        Duration delay = scheduleReconnect();
        if (wasLoggedIn) {
            LOG.info("Device {} disconnected ({} {}); reconnecting in {} ms", device.deviceId(), statusCode, reason,
                    delay.toMillis());
        } else {
            LOG.debug("Device {} connection ended before login ({} {}); retrying in {} ms", device.deviceId(),
                    statusCode, reason, delay.toMillis());
        }
    }

    private void loginAnswered(DeviceConnection c, JsonNode payload) {
        cancel(authTimeout);
        if (authenticated) {
            return;
        }
        if (!payload.path("success").asBoolean(false)) {
            LOG.warn("Device {} was refused at login: {} {}", device.deviceId(), payload.path("code").asText(""),
                    payload.path("message").asText(""));
            c.abort("login refused"); // the gateway closes too; reconnecting with back-off covers a registry reload
            return;
        }
        authenticated = true;
        counters.connected.incrementAndGet();
        backoff.reset();
        LOG.info("Device {} logged in to {}; {} unacknowledged message(s) to send", device.deviceId(), gateway,
                pending.size());
        pending.retryAll(); // nothing sent on an earlier connection will be acked now
        flush();
    }

    private void acknowledged(JsonNode ack) {
        String correlationId = ack.path("correlationId").asText(null);
        if (correlationId != null) {
            counters.acknowledged.increment();
            pending.remove(correlationId);
            pacer.speedUp();
        }
    }

    private void refused(JsonNode error) {
        counters.refused.increment();
        JsonNode payload = error.path("payload");
        String code = payload.path("code").asText("");
        String correlationId = error.path("correlationId").asText(null);
        ErrorCode errorCode = ErrorCode.fromWireName(code);
        if (correlationId != null && errorCode == ErrorCode.RATE_LIMIT) {
            pacer.slowDown();
            pauseFor(payload.path("retryAfterMs").asLong(DEFAULT_RETRY_AFTER_MS));
            pending.retry(correlationId);
            return;
        }
        if (correlationId != null && errorCode == ErrorCode.UNAVAILABLE) {
            pauseFor(DEFAULT_RETRY_AFTER_MS); // nothing was stored: keep the message, try again shortly
            pending.retry(correlationId);
            return;
        }
        if (correlationId != null) {
            pending.remove(correlationId); // sending it again would be refused again
        }
        // Once per code at WARN: a misconfigured permission would otherwise log every message.
        String text = "Device {} got {} for {}: {}";
        Object[] args = {device.deviceId(), code, correlationId, payload.path("message").asText("")};
        if (reportedErrorCodes.add(code)) {
            LOG.warn(text, args);
        } else {
            LOG.debug(text, args);
        }
    }

    private void tick() {
        try {
            synchronized (this) {
                if (stopped) {
                    return;
                }
                String correlationId = device.deviceId() + "-" + bootId + "-" + (++sequence);
                Reading reading = generator.next();
                if (pending.add(correlationId, DeviceMessages.publish(reading, correlationId, clock.instant()))) {
                    counters.dropped.increment();
                }
                flush();
            }
        } catch (RuntimeException e) {
            // An exception would cancel the periodic task: this device would go silent for the rest of the run.
            LOG.error("Device {} failed to publish", device.deviceId(), e);
        }
    }

    /**
     * Hands queued messages to the socket while logged in, not paused, within the pacer's budget, and while the
     * socket keeps up (a congested socket is tried again on the next tick).
     */
    private void flush() {
        if (!authenticated || connection == null || paused) {
            return;
        }
        while (pending.hasQueued() && connection.queued() < MAX_QUEUED_SENDS) {
            if (!pacer.tryAcquire()) {
                scheduleDrain(pacer.nanosUntilNextToken());
                return;
            }
            connection.send(pending.nextToSend());
            counters.published.increment();
        }
    }

    // Continues a backlog between ticks: a slow device's next tick may be far away.
    private void scheduleDrain(long delayNanos) {
        if (drain == null || drain.isDone()) {
            drain = schedule(() -> {
                synchronized (this) {
                    flush();
                }
            }, TimeUnit.NANOSECONDS.toMillis(delayNanos) + 1);
        }
    }

    private void pauseFor(long millis) {
        long delay = Math.max(0, millis);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
        if (!paused || until - pausedUntilNanos > 0) {
            paused = true;
            pausedUntilNanos = until;
            cancel(resume);
            // Resume explicitly: at a low publish rate the next tick could be long after the pause ends.
            resume = schedule(this::resume, delay);
        }
    }

    private synchronized void resume() {
        paused = false;
        flush();
    }

    private Duration scheduleReconnect() {
        Duration delay = backoff.nextDelay();
        if (!stopped) {
            reconnect = schedule(this::connect, delay.toMillis());
        }
        return delay;
    }

    private void loggedOut() {
        if (authenticated) {
            authenticated = false;
            counters.connected.decrementAndGet();
        }
    }

    private ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        try {
            return scheduler.schedule(logged(task), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null; // the simulator is closing
        }
    }

    private void execute(Runnable task) {
        try {
            scheduler.execute(logged(task));
        } catch (RejectedExecutionException e) {
            // the simulator is closing
        }
    }

    private Runnable logged(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Device {}: unexpected failure", device.deviceId(), e);
            }
        };
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }
}
