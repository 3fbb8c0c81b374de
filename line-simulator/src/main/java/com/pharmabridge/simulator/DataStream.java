package com.pharmabridge.simulator;

/** The gateway's JetStream streams the simulator writes to, recognised by the first token of a subject. */
public enum DataStream {
    TELEMETRY("factory."),
    EVENTS("events."),
    ALERTS("alerts."),
    QUALITY("quality."),
    BATCHES("batch."),
    COMMANDS("commands.");

    private final String prefix;

    DataStream(String prefix) {
        this.prefix = prefix;
    }

    /** @return the stream a subject of the simulator's hierarchy is stored in */
    static DataStream of(String subject) {
        for (DataStream stream : values()) {
            if (subject.startsWith(stream.prefix)) {
                return stream;
            }
        }
        throw new IllegalArgumentException("not a subject of the hierarchy: " + subject);
    }
}
