package com.pharmabridge.historian.ingest;

import com.pharmabridge.historian.HistorianConfig;
import com.pharmabridge.historian.store.Database;
import com.pharmabridge.historian.store.RecordStore;
import com.pharmabridge.historian.store.RecordTable;
import com.pharmabridge.historian.store.StoredRecord;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One stream into its table, on its own thread: pull a batch from the durable consumer, insert it in one transaction,
 * and acknowledge its messages only once that transaction has committed. A crash anywhere before the acks means
 * JetStream delivers the messages again, and the insert recognises rows it already has: at-least-once delivery and
 * idempotent inserts give exactly one row per message.
 *
 * <p>When the database is away the batch is held and retried (JetStream is told the messages are in progress so it
 * does not hand them out again meanwhile); when NATS is away, or the stream does not exist yet, the ingestor waits and
 * looks again. Neither ends it: only {@link #stop()} does.
 */
final class StreamIngestor implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamIngestor.class);
    private static final int STREAM_NOT_FOUND = 10059;
    private static final int CONSUMER_NOT_FOUND = 10014;
    private static final Duration CONSUMER_CHECK = Duration.ofSeconds(15);
    private static final long MAX_BACKOFF_MS = 5_000;

    private final RecordTable table;
    private final Connection nats;
    private final Database db;
    private final HistorianConfig config;
    private final IngestStats stats;
    private final AckGate ackGate;
    private final Problems problems;
    private volatile boolean stopping;
    private JetStreamSubscription subscription;
    private java.sql.Connection sql;
    private boolean waitingForStream;
    private long lastConsumerCheck = System.nanoTime();

    StreamIngestor(RecordTable table, Connection nats, Database db, HistorianConfig config, IngestStats stats,
                   AckGate ackGate) {
        this.table = table;
        this.nats = nats;
        this.db = db;
        this.config = config;
        this.stats = stats;
        this.ackGate = ackGate;
        this.problems = new Problems(LOG, table.stream());
    }

    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        long backoff = 100;
        try {
            while (!stopping) {
                try {
                    if (subscription == null && !subscribe()) {
                        pause(config.streamRetry().toMillis());
                        continue;
                    }
                    List<Message> fetched = subscription.fetch(config.batchSize(), config.fetchWait());
                    List<Message> messages = new ArrayList<>(fetched.size());
                    for (Message m : fetched) {
                        if (m.isJetStream()) {
                            messages.add(m);
                        }
                    }
                    if (messages.isEmpty()) {
                        checkConsumerWhileIdle();
                        continue;
                    }
                    lastConsumerCheck = System.nanoTime();
                    if (!store(messages)) {
                        return; // stopping with the batch unacknowledged: JetStream delivers it again later
                    }
                    if (ackGate.mayAck(table, messages)) {
                        messages.forEach(Message::ack);
                    }
                    problems.recovered("JetStream");
                    backoff = 100;
                } catch (IOException | JetStreamApiException | RuntimeException e) {
                    // NATS away, a timeout, the stream or consumer gone: start over from the stream
                    problems.report("JetStream", "Cannot consume " + table.stream() + ": " + describe(e), e);
                    dropSubscription();
                    pause(backoff);
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            dropSubscription();
            closeSql();
        }
    }

    private boolean subscribe() throws IOException, JetStreamApiException {
        JetStreamManagement jsm = nats.jetStreamManagement();
        try {
            jsm.getStreamInfo(table.stream());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
                stats.streamNotFound(table);
                if (!waitingForStream) {
                    LOG.warn("Stream {} does not exist (yet): the historian looks for it every {} ms and consumes it "
                            + "once it is there", table.stream(), config.streamRetry().toMillis());
                    waitingForStream = true;
                }
                return false;
            }
            throw e;
        }
        ConsumerConfiguration consumer = ConsumerConfiguration.builder()
                .durable(config.durable())
                .ackPolicy(AckPolicy.Explicit)
                .deliverPolicy(DeliverPolicy.All)
                .ackWait(config.ackWait())
                .maxAckPending(config.maxAckPending())
                .maxDeliver(-1) // never give up on a record
                .description("PharmaBridge historian: " + table.stream() + " into historian." + table.table())
                .build();
        jsm.addOrUpdateConsumer(table.stream(), consumer);
        JetStream js = nats.jetStream();
        subscription = js.subscribe(null, PullSubscribeOptions.bind(table.stream(), config.durable()));
        if (waitingForStream) {
            LOG.info("Stream {} exists now", table.stream());
            waitingForStream = false;
        }
        LOG.info("Consuming {} into historian.{} (durable consumer {})", table.stream(), table.table(),
                config.durable());
        lastConsumerCheck = System.nanoTime();
        return true;
    }

    /** A stream deleted and created again loses its consumers; an idle pull would then wait for ever. */
    private void checkConsumerWhileIdle() throws IOException, JetStreamApiException {
        if (System.nanoTime() - lastConsumerCheck < CONSUMER_CHECK.toNanos()) {
            return;
        }
        lastConsumerCheck = System.nanoTime();
        try {
            nats.jetStreamManagement().getConsumerInfo(table.stream(), config.durable());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == CONSUMER_NOT_FOUND || e.getApiErrorCode() == STREAM_NOT_FOUND) {
                LOG.warn("Consumer {} on {} is gone ({}); setting it up again", config.durable(), table.stream(),
                        e.getMessage());
                dropSubscription();
                return;
            }
            throw e;
        }
    }

    /**
     * Inserts the batch, retrying while the database is unreachable or failing.
     *
     * @return false when stopping before the batch could be stored
     */
    private boolean store(List<Message> messages) throws InterruptedException {
        List<StoredRecord> records = new ArrayList<>(messages.size());
        for (Message m : messages) {
            StoredRecord record = RecordMapper.map(table, m);
            if (record.digestMismatch()) {
                stats.digestMismatch(table);
                LOG.error("{} sequence {} ({}): payload SHA-256 differs from its Payload-SHA256 header {}; stored "
                        + "as received, with both digests", record.stream(), record.streamSeq(), record.subject(),
                        record.declaredSha256());
            }
            records.add(record);
        }
        long backoff = 100;
        long lastProgressSignal = System.nanoTime();
        while (true) {
            try {
                if (sql == null) {
                    sql = db.writer();
                }
                RecordStore.Outcome outcome = RecordStore.insert(sql, records);
                stats.stored(table, outcome);
                if (outcome.duplicates() > 0) {
                    LOG.debug("{}: {} redelivered messages were already stored", table.stream(), outcome.duplicates());
                }
                problems.recovered("database");
                return true;
            } catch (SQLException | RuntimeException e) {
                closeSql();
                stats.storeFailed(table);
                problems.report("database", "Cannot store " + records.size() + " " + table.stream()
                        + " messages (held, retrying): " + describe(e), e);
                if (stopping) {
                    return false;
                }
                if (System.nanoTime() - lastProgressSignal > config.ackWait().toNanos() / 3) {
                    messages.forEach(Message::inProgress); // keep them ours while we wait
                    lastProgressSignal = System.nanoTime();
                }
                pause(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
    }

    private void dropSubscription() {
        if (subscription != null) {
            try {
                subscription.unsubscribe();
            } catch (RuntimeException ignored) {
                // connection closed or reconnecting: the server forgets the interest by itself
            }
            subscription = null;
        }
    }

    private void closeSql() {
        if (sql != null) {
            try {
                sql.close();
            } catch (SQLException ignored) {
                // already broken
            }
            sql = null;
        }
    }

    private void pause(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!stopping && System.nanoTime() < deadline) {
            Thread.sleep(Math.min(50, millis));
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof java.sql.BatchUpdateException && ((SQLException) e).getNextException() != null) {
            e = ((SQLException) e).getNextException(); // the server's reason, not the statement's text
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }

    /** Logs a failing dependency once when it starts failing, then at most once a minute, and when it recovers. */
    static final class Problems {
        private static final long REPEAT_NANOS = Duration.ofMinutes(1).toNanos();
        private final Logger log;
        private final String name;
        private final java.util.Map<String, Long> failingSince = new java.util.HashMap<>();
        private final java.util.Map<String, Long> lastLogged = new java.util.HashMap<>();

        Problems(Logger log, String name) {
            this.log = log;
            this.name = name;
        }

        void report(String dependency, String message, Throwable e) {
            long now = System.nanoTime();
            Long last = lastLogged.get(dependency);
            if (last == null) {
                failingSince.put(dependency, now);
                log.warn(message);
                log.debug("{} failure detail", name, e);
                lastLogged.put(dependency, now);
            } else if (now - last > REPEAT_NANOS) {
                log.warn("{} (failing for {} s)", message,
                        (now - failingSince.get(dependency)) / 1_000_000_000L);
                lastLogged.put(dependency, now);
            }
        }

        void recovered(String dependency) {
            Long since = failingSince.remove(dependency);
            lastLogged.remove(dependency);
            if (since != null) {
                log.info("{}: {} is back after {} ms", name, dependency, (System.nanoTime() - since) / 1_000_000);
            }
        }
    }
}
