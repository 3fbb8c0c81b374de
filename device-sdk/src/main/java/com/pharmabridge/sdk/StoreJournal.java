package com.pharmabridge.sdk;

import com.pharmabridge.sdk.store.OfflineStore;
import com.pharmabridge.sdk.store.StoredMessage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link PublishJournal} in the SQLite {@link OfflineStore}: a publish is on disk (WAL, synchronous FULL) before
 * it is sent and stays there until the gateway acknowledges it, so a crash or power loss loses nothing; the client
 * re-sends what is left, in order and with the same correlation ids, when it starts again.
 */
public final class StoreJournal implements PublishJournal {
    private static final int PAGE = 1000;

    private final OfflineStore store;

    public StoreJournal(OfflineStore store) {
        this.store = store;
    }

    @Override
    public void add(String correlationId, String subject, String envelope) {
        store.add(correlationId, subject, envelope.getBytes(StandardCharsets.UTF_8), null);
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

    public OfflineStore store() {
        return store;
    }
}
