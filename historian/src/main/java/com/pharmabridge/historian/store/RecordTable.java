package com.pharmabridge.historian.store;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The record tables and the JetStream stream each one takes its rows from. */
public enum RecordTable {
    TELEMETRY("TELEMETRY", "telemetry"),
    EVENTS("EVENTS", "events"),
    ALERTS("ALERTS", "alerts"),
    QUALITY("QUALITY", "quality"),
    BATCHES("BATCHES", "batch_events"),
    AUDIT("AUDIT", "audit");

    private final String stream;
    private final String table;

    RecordTable(String stream, String table) {
        this.stream = stream;
        this.table = table;
    }

    public String stream() {
        return stream;
    }

    public String table() {
        return table;
    }

    /** @param name a stream name (TELEMETRY) or a table name (telemetry, batch_events) */
    public static RecordTable of(String name) {
        for (RecordTable t : values()) {
            if (t.stream.equalsIgnoreCase(name) || t.table.equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("No record table for '" + name + "'; known: "
                + Arrays.stream(values()).map(t -> t.stream + " (" + t.table + ")").toList());
    }

    public static List<RecordTable> all() {
        return List.of(values());
    }
}
