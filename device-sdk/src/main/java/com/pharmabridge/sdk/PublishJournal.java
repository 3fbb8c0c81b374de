package com.pharmabridge.sdk;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where a {@link DeviceClient} keeps publishes that the gateway has not yet acknowledged. The in-memory
 * {@link MemoryJournal} loses them with the process; a durable implementation ({@link StoreJournal}) keeps them across
 * restarts, and the client re-sends whatever {@link #pendingInOrder()} returns when it starts. Implementations must be
 * thread-safe.
 *
 * <p>A bounded journal may refuse a publish ({@link #add} throws) or make room by dropping the oldest entries
 * ({@link #addReportingDropped} says which); one with an age limit ({@link #maxAge()}) removes old entries when the
 * client calls {@link #expire()}, which it does periodically. The client fails the futures of dropped and expired
 * publishes and counts them in {@link ClientMetrics}.
 */
public interface PublishJournal {

    /** One kept publish: its correlation id and the complete envelope text to re-send. */
    record Entry(String correlationId, String envelope) {
    }

    /**
     * Keeps a publish until {@link #remove(String)}; called before it is first sent.
     *
     * @param correlationId the publish's unique correlation id
     * @param subject       the subject it is published on (for inspection of a durable journal)
     * @param envelope      the full Publish envelope as JSON text
     * @throws com.pharmabridge.sdk.store.StoreFullException when a bounded journal refuses it
     */
    void add(String correlationId, String subject, String envelope);

    /**
     * As {@link #add}, and returns the correlation ids of the entries the journal removed to make room for this one
     * (oldest first). The client calls this method, not {@link #add}. The default adds and drops nothing; a journal
     * that drops entries when full must override it, or the client would keep waiting for entries that are gone.
     *
     * @param correlationId the publish's unique correlation id
     * @param subject       the subject it is published on
     * @param envelope      the full Publish envelope as JSON text
     * @return the dropped entries' correlation ids, empty when nothing was dropped
     * @throws com.pharmabridge.sdk.store.StoreFullException when a bounded journal refuses it
     */
    default List<String> addReportingDropped(String correlationId, String subject, String envelope) {
        add(correlationId, subject, envelope);
        return List.of();
    }

    /**
     * Forgets a publish once the gateway acknowledged it or refused it for good. Unknown ids are ignored.
     *
     * @param correlationId the id given to {@link #add(String, String, String)}
     */
    void remove(String correlationId);

    /** @return every kept publish, oldest first */
    List<Entry> pendingInOrder();

    /**
     * @return how long an entry may wait before {@link #expire()} removes it; empty (the default) when entries never
     *         expire, and then the client never calls {@link #expire()}
     */
    default Optional<Duration> maxAge() {
        return Optional.empty();
    }

    /**
     * Removes the entries older than {@link #maxAge()}, by the journal's own clock.
     *
     * @return the removed entries' correlation ids, oldest first; the default removes nothing
     */
    default List<String> expire() {
        return List.of();
    }
}
