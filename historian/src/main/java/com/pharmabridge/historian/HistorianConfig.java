package com.pharmabridge.historian;

import com.pharmabridge.historian.store.RecordTable;
import com.pharmabridge.historian.store.RetentionPolicy;

import java.time.Duration;
import java.util.List;

/**
 * What the historian consumes and how.
 *
 * @param durable         durable consumer name, one per stream (instances sharing it share the work)
 * @param batchSize       messages fetched, inserted in one transaction, then acknowledged
 * @param fetchWait       how long one pull waits for messages
 * @param ackWait         after this without an ack JetStream delivers a message again
 * @param maxAckPending   unacknowledged messages JetStream lets one consumer hold
 * @param streamRetry     how often a missing stream (or unreachable NATS) is looked for again
 * @param retentionEvery  how often the retention job runs (null: never)
 */
public record HistorianConfig(String natsUrl, List<RecordTable> tables, String durable, int batchSize,
                              Duration fetchWait, Duration ackWait, int maxAckPending, Duration streamRetry,
                              RetentionPolicy retention, Duration retentionEvery) {

    public HistorianConfig {
        tables = List.copyOf(tables);
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("No stream to consume");
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("Batch size must be 1-10000, not " + batchSize);
        }
        if (maxAckPending < batchSize) {
            throw new IllegalArgumentException("maxAckPending (" + maxAckPending + ") must be at least the batch size");
        }
        if (durable == null || !durable.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("Durable name must be letters, digits, '-' and '_', not " + durable);
        }
    }

    public static HistorianConfig defaults(String natsUrl) {
        return new HistorianConfig(natsUrl, RecordTable.all(), "historian", 500, Duration.ofSeconds(1),
                Duration.ofSeconds(30), 10_000, Duration.ofSeconds(5), RetentionPolicy.keepEverything("6y"),
                Duration.ofHours(1));
    }

    public HistorianConfig withTables(List<RecordTable> t) {
        return new HistorianConfig(natsUrl, t, durable, batchSize, fetchWait, ackWait, maxAckPending, streamRetry,
                retention, retentionEvery);
    }

    public HistorianConfig withTiming(Duration fetch, Duration ack, Duration retry) {
        return new HistorianConfig(natsUrl, tables, durable, batchSize, fetch, ack, maxAckPending, retry, retention,
                retentionEvery);
    }

    public HistorianConfig withBatchSize(int size) {
        return new HistorianConfig(natsUrl, tables, durable, size, fetchWait, ackWait, Math.max(maxAckPending, size),
                streamRetry, retention, retentionEvery);
    }

    public HistorianConfig withRetention(RetentionPolicy policy, Duration every) {
        return new HistorianConfig(natsUrl, tables, durable, batchSize, fetchWait, ackWait, maxAckPending, streamRetry,
                policy, every);
    }
}
