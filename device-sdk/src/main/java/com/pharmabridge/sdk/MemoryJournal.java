package com.pharmabridge.sdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link PublishJournal} in memory: pending publishes survive reconnects but not a restart of the process. Unbounded
 * (it never refuses or drops a publish) and without an age limit (nothing expires); use {@link StoreJournal} for both.
 */
public final class MemoryJournal implements PublishJournal {
    private final Map<String, String> entries = new LinkedHashMap<>();

    /** Creates an empty journal. */
    public MemoryJournal() {
    }

    @Override
    public synchronized void add(String correlationId, String subject, String envelope) {
        entries.put(correlationId, envelope);
    }

    @Override
    public synchronized void remove(String correlationId) {
        entries.remove(correlationId);
    }

    @Override
    public synchronized List<Entry> pendingInOrder() {
        List<Entry> list = new ArrayList<>(entries.size());
        entries.forEach((id, envelope) -> list.add(new Entry(id, envelope)));
        return list;
    }

    /** @return how many publishes wait for an Ack */
    public synchronized int size() {
        return entries.size();
    }
}
