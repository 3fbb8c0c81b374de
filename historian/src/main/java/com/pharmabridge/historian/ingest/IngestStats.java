package com.pharmabridge.historian.ingest;

import com.pharmabridge.historian.store.RecordTable;
import com.pharmabridge.historian.store.RecordStore;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts per record table: rows inserted, redeliveries recognised as already stored, digest mismatches, failed insert
 * attempts (each retry of a held batch counts) and looks for a stream that did not exist.
 */
public final class IngestStats {
    private final Map<RecordTable, LongAdder> inserted = new EnumMap<>(RecordTable.class);
    private final Map<RecordTable, LongAdder> duplicates = new EnumMap<>(RecordTable.class);
    private final Map<RecordTable, LongAdder> digestMismatches = new EnumMap<>(RecordTable.class);
    private final Map<RecordTable, LongAdder> storeFailures = new EnumMap<>(RecordTable.class);
    private final Map<RecordTable, LongAdder> streamMissing = new EnumMap<>(RecordTable.class);

    public IngestStats() {
        for (RecordTable t : RecordTable.values()) {
            inserted.put(t, new LongAdder());
            duplicates.put(t, new LongAdder());
            digestMismatches.put(t, new LongAdder());
            storeFailures.put(t, new LongAdder());
            streamMissing.put(t, new LongAdder());
        }
    }

    void stored(RecordTable table, RecordStore.Outcome outcome) {
        inserted.get(table).add(outcome.inserted());
        duplicates.get(table).add(outcome.duplicates());
    }

    void digestMismatch(RecordTable table) {
        digestMismatches.get(table).increment();
    }

    void storeFailed(RecordTable table) {
        storeFailures.get(table).increment();
    }

    void streamNotFound(RecordTable table) {
        streamMissing.get(table).increment();
    }

    public long inserted(RecordTable table) {
        return inserted.get(table).sum();
    }

    public long duplicates(RecordTable table) {
        return duplicates.get(table).sum();
    }

    public long digestMismatches(RecordTable table) {
        return digestMismatches.get(table).sum();
    }

    /** Insert attempts that failed (database unreachable or failing); the batch is held and tried again. */
    public long storeFailures(RecordTable table) {
        return storeFailures.get(table).sum();
    }

    /** Times the table's stream was looked for and did not exist (yet). */
    public long streamMissing(RecordTable table) {
        return streamMissing.get(table).sum();
    }

    public long insertedTotal() {
        return inserted.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long duplicatesTotal() {
        return duplicates.values().stream().mapToLong(LongAdder::sum).sum();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (RecordTable t : RecordTable.values()) {
            sb.append(sb.isEmpty() ? "" : " ").append(t.stream()).append(' ').append(inserted(t));
        }
        return sb.append(" | duplicates ").append(duplicatesTotal()).toString();
    }
}
