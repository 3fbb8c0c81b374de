package com.pharmabridge.simulator;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Publishes that have no Ack yet, kept so that they can be sent again with the same correlation id (the gateway
 * stores a retried message once). Bounded: when full, the oldest message is given up, as a device with a small
 * memory would. A message is either waiting to be sent or in flight; queued messages leave in the order they were
 * created. Not thread-safe; the machine guards it.
 */
final class PendingPublishes {
    private final int capacity;
    private final LinkedHashMap<String, Entry> byCorrelationId = new LinkedHashMap<>();
    private final PriorityQueue<Entry> toSend = new PriorityQueue<>((a, b) -> Long.compare(a.sequence, b.sequence));
    private long nextSequence;

    private static final class Entry {
        final long sequence;
        final String envelope;
        boolean queued;

        Entry(long sequence, String envelope) {
            this.sequence = sequence;
            this.envelope = envelope;
        }
    }

    PendingPublishes(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    /**
     * Adds a new message, queued for sending.
     *
     * @return true when the oldest pending message had to be dropped to make room
     */
    boolean add(String correlationId, String envelope) {
        boolean dropped = false;
        if (byCorrelationId.size() >= capacity) {
            Iterator<Map.Entry<String, Entry>> oldest = byCorrelationId.entrySet().iterator();
            forget(oldest.next().getValue());
            oldest.remove();
            dropped = true;
        }
        Entry entry = new Entry(nextSequence++, envelope);
        byCorrelationId.put(correlationId, entry);
        enqueue(entry);
        return dropped;
    }

    /** @return the envelope of the next message to send, now counted as in flight, or {@code null} */
    String nextToSend() {
        Entry entry = toSend.poll();
        if (entry == null) {
            return null;
        }
        entry.queued = false;
        return entry.envelope;
    }

    /** The message is done with (acknowledged, or refused for good). */
    void remove(String correlationId) {
        Entry entry = byCorrelationId.remove(correlationId);
        if (entry != null) {
            forget(entry);
        }
    }

    /** Queues one in-flight message again, e.g. after the gateway said RATE_LIMIT. */
    void retry(String correlationId) {
        Entry entry = byCorrelationId.get(correlationId);
        if (entry != null) {
            enqueue(entry);
        }
    }

    /** Queues every pending message again: after a reconnect, nothing sent on the old connection will be acked. */
    void retryAll() {
        byCorrelationId.values().forEach(this::enqueue);
    }

    int size() {
        return byCorrelationId.size();
    }

    boolean hasQueued() {
        return !toSend.isEmpty();
    }

    // Linear in the queue, which the capacity keeps small; only queued messages (not yet sent) pay for it.
    private void forget(Entry entry) {
        if (entry.queued) {
            toSend.remove(entry);
            entry.queued = false;
        }
    }

    private void enqueue(Entry entry) {
        if (!entry.queued) {
            entry.queued = true;
            toSend.add(entry);
        }
    }
}
