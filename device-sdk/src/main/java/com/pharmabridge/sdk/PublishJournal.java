package com.pharmabridge.sdk;

import java.util.List;

/**
 * Where a {@link DeviceClient} keeps publishes that the gateway has not yet acknowledged. The in-memory
 * {@link MemoryJournal} loses them with the process; a durable implementation keeps them across restarts, and the
 * client re-sends whatever {@link #pendingInOrder()} returns when it starts. Implementations must be thread-safe.
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
     * Forgets a publish once the gateway acknowledged it or refused it for good. Unknown ids are ignored.
     *
     * @param correlationId the id given to {@link #add(String, String)}
     */
    void remove(String correlationId);

    /** @return every kept publish, oldest first */
    List<Entry> pendingInOrder();
}
