package com.pharmabridge.sdk;

import com.pharmabridge.sdk.store.OfflineStore;
import com.pharmabridge.sdk.store.StoreLimits;
import com.pharmabridge.sdk.store.StoredMessage;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link PublishJournal} in the SQLite {@link OfflineStore}: a publish is on disk (WAL, synchronous FULL) before
 * it is sent and stays there until the gateway acknowledges it, so a crash or power loss loses nothing; the client
 * re-sends what is left, in order and with the same correlation ids, when it starts again.
 *
 * <p>The store's {@link StoreLimits} apply: when full it refuses a publish
 * ({@link com.pharmabridge.sdk.store.StoreFullException}) or, under
 * {@link StoreLimits.FullPolicy#DROP_OLDEST}, drops the oldest entries and reports them; entries older than
 * {@link StoreLimits#maxAge()} are removed by {@link #expire()}, which the client calls periodically. The store is
 * the caller's: closing the client does not close it.
 */
public final class StoreJournal implements PublishJournal {
    private static final int PAGE = 1000;

    private final OfflineStore store;

    /** @param store the open store to keep publishes in */
    public StoreJournal(OfflineStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public void add(String correlationId, String subject, String envelope) {
        store.add(correlationId, subject, envelope.getBytes(StandardCharsets.UTF_8), null);
    }

    @Override
    public List<String> addReportingDropped(String correlationId, String subject, String envelope) {
        OfflineStore.Added added = store.addReportingDropped(correlationId, subject,
                envelope.getBytes(StandardCharsets.UTF_8), null);
        return ids(added.dropped());
    }

    @Override
    public void remove(String correlationId) {
        store.acknowledged(correlationId);
    }

    @Override
    public List<Entry> pendingInOrder() {
        List<Entry> entries = new ArrayList<>();
        long after = 0;
        List<StoredMessage> page;
        do {
            page = store.pending(after, PAGE);
            for (StoredMessage message : page) {
                entries.add(new Entry(message.correlationId(), new String(message.payload(), StandardCharsets.UTF_8)));
                after = message.sequence();
            }
        } while (page.size() == PAGE);
        return entries;
    }

    /** @return the store's {@link StoreLimits#maxAge()} */
    @Override
    public Optional<Duration> maxAge() {
        return Optional.of(store.limits().maxAge());
    }

    /** Removes what is older than the store's age limit, by the store's clock ({@link OfflineStore#expire()}). */
    @Override
    public List<String> expire() {
        return ids(store.expire());
    }

    /** @return the store this journal writes to */
    public OfflineStore store() {
        return store;
    }

    private static List<String> ids(List<StoredMessage> messages) {
        List<String> ids = new ArrayList<>(messages.size());
        messages.forEach(m -> ids.add(m.correlationId()));
        return ids;
    }
}
