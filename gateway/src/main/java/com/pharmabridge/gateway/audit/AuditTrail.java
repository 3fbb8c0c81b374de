package com.pharmabridge.gateway.audit;

import com.pharmabridge.gateway.bridge.NatsBridge;
import com.pharmabridge.protocol.EnvelopeWriter;
import com.pharmabridge.protocol.audit.AuditRecord;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's audit trail: security-relevant events become numbered records, each carrying the hash of the one
 * before, published in order on {@code audit.{gatewayId}} into the AUDIT stream (file storage, no delete, no purge).
 * At intervals the chain head is signed with the gateway's Ed25519 key as a checkpoint record, itself part of the
 * chain.
 * <p>
 * {@link #record} never blocks: events wait in a bounded queue for the single writer thread, which numbers them,
 * packs what is waiting into one message (records separated by new lines) and publishes it, waiting for the stream's
 * acknowledgement before the next. A message that fails is sent again, unchanged (same records, same message id),
 * until it is stored: the chain has no gaps. Each publish names the stream sequence of this gateway's previous
 * message, so a second gateway writing under the same id is refused instead of forking the chain. If the queue
 * overflows (NATS away for long under a storm of events), the trail records how many events were lost and when —
 * never silently.
 */
public final class AuditTrail implements AutoCloseable {
    public static final String STREAM = "AUDIT";
    static final int MAX_RECORDS_PER_MESSAGE = 200;
    static final Duration RETRY = Duration.ofSeconds(1);
    static final Duration THROTTLE_WINDOW = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final int WRONG_LAST_SEQUENCE = 10071;

    private final boolean enabled;
    private final String gatewayId;
    private final String subject;
    private final NatsBridge bridge;
    private final PrivateKey signingKey;
    private final String keyId;
    private final Duration checkpointInterval;
    private final Clock clock;
    private final BlockingQueue<AuditEvent> queue;
    private final AtomicLong overflowed = new AtomicLong();
    private final Map<String, Throttle> throttles = new ConcurrentHashMap<>();
    private final Thread writer;
    private volatile boolean closing;
    private volatile long written;

    // Writer thread only.
    private long headSeq = -1; // -1: not read from the stream yet
    private String headHash;
    private long headStreamSeq;
    private long recordsSinceCheckpoint;
    private long lastCheckpointNanos = System.nanoTime();

    private static final class Throttle {
        long windowStartNanos;
        long suppressed;
        AuditEvent lastSuppressed;
    }

    /**
     * @param signingKey         Ed25519 key for checkpoints, or {@code null} to write none
     * @param keyId              names the key in checkpoints (verifiers pick the public key by it)
     * @param checkpointInterval how often the head is signed, when records were added since the last checkpoint
     */
    public AuditTrail(String gatewayId, NatsBridge bridge, PrivateKey signingKey, String keyId,
                      Duration checkpointInterval, int maxQueued, Clock clock) {
        this(true, gatewayId, bridge, signingKey, keyId, checkpointInterval, maxQueued, clock);
    }

    private AuditTrail(boolean enabled, String gatewayId, NatsBridge bridge, PrivateKey signingKey, String keyId,
                       Duration checkpointInterval, int maxQueued, Clock clock) {
        this.enabled = enabled;
        this.gatewayId = gatewayId;
        this.subject = "audit." + gatewayId;
        this.bridge = bridge;
        this.signingKey = signingKey;
        this.keyId = keyId;
        this.checkpointInterval = checkpointInterval;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(maxQueued);
        this.writer = new Thread(this::writeLoop, "audit-writer");
        this.writer.setDaemon(true);
        if (enabled && signingKey == null) {
            LOG.warn("Audit checkpoints are not signed: no audit.signingKeyFile configured");
        }
    }

    /** The trail the configuration asks for; one that records nothing when {@code audit.enabled} is false. */
    public static AuditTrail fromConfig(com.pharmabridge.gateway.config.GatewayConfig config, NatsBridge bridge) {
        com.pharmabridge.gateway.config.GatewayConfig.Audit audit = config.audit();
        PrivateKey key = audit.enabled() && audit.signingKeyFile() != null
                ? com.pharmabridge.gateway.auth.PemKeys.readEd25519PrivateKey(audit.signingKeyFile()) : null;
        return new AuditTrail(audit.enabled(), config.gateway().id(), bridge, key, audit.keyId(),
                audit.checkpointInterval(), audit.maxQueuedRecords(), Clock.systemUTC());
    }

    public void start() {
        if (enabled) {
            writer.start();
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** @return the subject this gateway's records go to */
    public String subject() {
        return subject;
    }

    /** @return records stored so far by this gateway instance */
    public long written() {
        return written;
    }

    /** Adds an event to the trail; never blocks. */
    public void record(AuditEvent event) {
        if (!enabled) {
            return;
        }
        if (!queue.offer(event)) {
            overflowed.incrementAndGet();
        }
    }

    /**
     * Adds an event unless one with the same key was added within the last 10 s; those held back are counted and
     * written as {@code suppressed} on the next one with that key (or on their own when the window ends), so a
     * device flooding refused messages cannot flood the trail, and no refusal goes uncounted.
     */
    public void recordThrottled(String key, AuditEvent event) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        Throttle throttle = throttles.computeIfAbsent(key, k -> new Throttle());
        AuditEvent toWrite = null;
        synchronized (throttle) {
            if (throttle.windowStartNanos != 0 && now - throttle.windowStartNanos < THROTTLE_WINDOW.toNanos()) {
                throttle.suppressed++;
                throttle.lastSuppressed = event;
                return;
            }
            toWrite = withSuppressed(event, throttle.suppressed);
            throttle.windowStartNanos = now;
            throttle.suppressed = 0;
            throttle.lastSuppressed = null;
        }
        record(toWrite);
    }

    // Writes out the counts of windows that ended with events held back.
    private void flushThrottles() {
        flushThrottles(false);
    }

    private void flushThrottles(boolean evenOpenWindows) {
        long now = System.nanoTime();
        for (Map.Entry<String, Throttle> entry : throttles.entrySet()) {
            Throttle throttle = entry.getValue();
            synchronized (throttle) {
                if (!evenOpenWindows && now - throttle.windowStartNanos < THROTTLE_WINDOW.toNanos()) {
                    continue;
                }
                if (throttle.suppressed > 0) {
                    record(withSuppressed(throttle.lastSuppressed, throttle.suppressed - 1));
                }
                throttles.remove(entry.getKey(), throttle);
            }
        }
    }

    private static AuditEvent withSuppressed(AuditEvent event, long suppressed) {
        if (suppressed == 0) {
            return event;
        }
        Map<String, Object> details = new LinkedHashMap<>(event.details());
        details.put("suppressed", suppressed);
        return new AuditEvent(event.time(), event.actor(), event.actorId(), event.action(), event.outcome(),
                event.remote(), details);
    }

    // ---- the writer ----

    private void writeLoop() {
        List<AuditEvent> events = new ArrayList<>();
        while (true) {
            try {
                if (events.isEmpty()) {
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    AuditEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
                    flushThrottles();
                    noteOverflow();
                    if (first != null) {
                        events.add(first);
                        queue.drainTo(events, MAX_RECORDS_PER_MESSAGE - 1);
                    } else if (!checkpointDue()) {
                        continue;
                    }
                }
                if (!bridge.isReady() || !headKnown()) {
                    sleep(RETRY);
                    continue;
                }
                writeMessage(events);
                events.clear();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("Audit writer: unexpected failure; retrying", e);
                sleep(RETRY);
            }
        }
    }

    // Numbers and chains the events (plus a checkpoint when due), then publishes until stored.
    private void writeMessage(List<AuditEvent> events) throws InterruptedException {
        long seq = headSeq;
        String prev = headHash;
        StringBuilder message = new StringBuilder();
        for (AuditEvent event : events) {
            String record = AuditRecord.seal(body(++seq, prev, event));
            prev = hashOf(record);
            message.append(record).append('\n');
        }
        long count = events.size();
        if (signingKey != null && (recordsSinceCheckpoint + count > 0) && checkpointDue()) {
            String record = AuditRecord.seal(body(++seq, prev, checkpoint(seq - 1, prev)));
            prev = hashOf(record);
            message.append(record).append('\n');
            count++;
        }
        if (count == 0) {
            return;
        }
        byte[] payload = message.toString().getBytes(StandardCharsets.UTF_8);
        String messageId = gatewayId + ":audit:" + (headSeq + 1);
        while (true) {
            try {
                PublishAck ack = bridge.publishDurably(subject, null, payload, messageId,
                        headStreamSeq > 0 ? headStreamSeq : null).get(30, TimeUnit.SECONDS);
                if (ack.isDuplicate() && !storedIsOurs(ack.getSeqno(), payload)) {
                    // The message id was taken by another writer's records: ours were not stored.
                    LOG.error("Audit trail {}: records {}..{} collide with another writer's (two gateways with id {}?); "
                            + "numbering them after its records", subject, headSeq + 1, seq, gatewayId);
                    headSeq = -1;
                    while (!headKnown()) {
                        sleep(RETRY);
                    }
                    writeMessage(events);
                    return;
                }
                boolean checkpointWritten = message.indexOf("\"action\":\"audit.checkpoint\"") >= 0;
                headSeq = seq;
                headHash = prev;
                headStreamSeq = ack.getSeqno();
                written += count;
                if (checkpointWritten) {
                    recordsSinceCheckpoint = 0;
                    lastCheckpointNanos = System.nanoTime();
                } else {
                    recordsSinceCheckpoint += count;
                }
                return;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                Throwable cause = e;
                while (cause.getCause() != null && !(cause instanceof JetStreamApiException)) {
                    cause = cause.getCause();
                }
                if (cause instanceof JetStreamApiException api && api.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
                    LOG.error("Audit trail {}: another writer added to it (two gateways with id {}?); continuing "
                            + "after its records", subject, gatewayId);
                    headSeq = -1;
                    if (!headKnown()) {
                        sleep(RETRY);
                    }
                    writeMessage(events);
                    return;
                }
                LOG.warn("Audit records {}..{} not stored yet ({}); retrying", headSeq + 1, seq, cause.toString());
                sleep(RETRY);
                if (closing && !bridge.isConnected()) {
                    LOG.error("Audit records {}..{} could not be stored before shutdown", headSeq + 1, seq);
                    return;
                }
            }
        }
    }

    private boolean storedIsOurs(long streamSeq, byte[] payload) {
        try {
            return java.util.Arrays.equals(bridge.management().getMessage(STREAM, streamSeq).getData(), payload);
        } catch (Exception e) {
            return true; // cannot tell: a retry of our own stored message is by far the likelier case
        }
    }

    private boolean checkpointDue() {
        return signingKey != null && recordsSinceCheckpoint > 0
                && System.nanoTime() - lastCheckpointNanos >= checkpointInterval.toNanos();
    }

    private AuditEvent checkpoint(long seq, String hash) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(signingKey);
            signer.update(AuditRecord.checkpointStatement(gatewayId, seq, hash));
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("headSeq", seq);
            details.put("headHash", hash);
            details.put("keyId", keyId);
            details.put("signature", Base64.getEncoder().encodeToString(signer.sign()));
            return new AuditEvent(clock.instant(), AuditEvent.GATEWAY, gatewayId, "audit.checkpoint", "info", null,
                    details);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign an audit checkpoint", e);
        }
    }

    // Reads the chain head from the stream: the last record of this gateway's last message.
    private boolean headKnown() {
        if (headSeq >= 0) {
            return true;
        }
        try {
            MessageInfo last = bridge.management().getLastMessage(STREAM, subject);
            String text = new String(last.getData(), StandardCharsets.UTF_8).strip();
            AuditRecord record = AuditRecord.parse(text.substring(text.lastIndexOf('\n') + 1));
            headSeq = record.seq();
            headHash = record.hash();
            headStreamSeq = last.getSeq();
            LOG.info("Audit trail {} continues after record {}", subject, headSeq);
            return true;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == 10037) { // no message found: a new trail
                headSeq = 0;
                headHash = AuditRecord.GENESIS;
                headStreamSeq = 0;
                return true;
            }
            LOG.warn("Audit trail {}: cannot read its head from {}: {}", subject, STREAM, e.getMessage());
            return false;
        } catch (Exception e) {
            LOG.debug("Audit trail {}: head not readable yet: {}", subject, e.toString());
            return false;
        }
    }

    private void noteOverflow() {
        long lost = overflowed.getAndSet(0);
        if (lost > 0) {
            LOG.error("Audit queue was full: {} event(s) could not be recorded", lost);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("lostEvents", lost);
            // Room is made for this one by the caller having just drained the queue.
            queue.offer(new AuditEvent(clock.instant(), AuditEvent.GATEWAY, gatewayId, "audit.overflow", "failure",
                    null, details));
        }
    }

    private String body(long seq, String prev, AuditEvent event) {
        StringBuilder out = new StringBuilder(256).append("{\"v\":").append(AuditRecord.VERSION);
        EnvelopeWriter.quote(out.append(",\"gatewayId\":"), gatewayId);
        out.append(",\"seq\":").append(seq);
        out.append(",\"time\":\"").append(TIME.format(event.time())).append('"');
        EnvelopeWriter.quote(out.append(",\"actor\":"), event.actor());
        EnvelopeWriter.quote(out.append(",\"actorId\":"), event.actorId());
        EnvelopeWriter.quote(out.append(",\"action\":"), event.action());
        EnvelopeWriter.quote(out.append(",\"outcome\":"), event.outcome());
        if (event.remote() != null) {
            EnvelopeWriter.quote(out.append(",\"remote\":"), event.remote());
        }
        out.append(",\"details\":{");
        boolean first = true;
        for (Map.Entry<String, Object> detail : event.details().entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            EnvelopeWriter.quote(out, detail.getKey()).append(':');
            Object value = detail.getValue();
            if (value instanceof Number || value instanceof Boolean) {
                out.append(value);
            } else {
                EnvelopeWriter.quote(out, String.valueOf(value));
            }
        }
        out.append('}');
        EnvelopeWriter.quote(out.append(",\"prev\":"), prev);
        return out.append('}').toString();
    }

    private static String hashOf(String sealedRecord) {
        return sealedRecord.substring(sealedRecord.length() - 66, sealedRecord.length() - 2);
    }

    /** Writes what is queued (for at most {@code timeout}), then stops the writer. */
    public void close(Duration timeout) {
        if (!enabled) {
            return;
        }
        flushThrottles(true); // a shutdown inside a throttling window must not lose the count held back
        closing = true;
        try {
            writer.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.interrupt();
        if (!queue.isEmpty()) {
            LOG.error("Audit trail closed with {} event(s) not stored", queue.size());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
