package com.pharmabridge.gateway.bridge;

import com.pharmabridge.gateway.config.GatewayConfig.StreamSpec;
import com.pharmabridge.protocol.Subjects;

import java.util.List;

/** Which declared JetStream stream stores a subject. Streams never overlap (checked when the config is loaded). */
public final class StreamCatalog {
    private final List<StreamSpec> streams;

    public StreamCatalog(List<StreamSpec> streams) {
        this.streams = List.copyOf(streams);
    }

    /** @return the stream storing this literal subject, or {@code null} when only core NATS carries it */
    public String streamFor(String subject) {
        for (StreamSpec stream : streams) {
            for (String pattern : stream.subjects()) {
                if (Subjects.matches(pattern, subject)) {
                    return stream.name();
                }
            }
        }
        return null;
    }

    /** @return the stream that stores every subject the pattern can match, or {@code null} */
    public String streamContaining(String pattern) {
        for (StreamSpec stream : streams) {
            for (String streamSubject : stream.subjects()) {
                if (Subjects.contains(streamSubject, pattern)) {
                    return stream.name();
                }
            }
        }
        return null;
    }

    public List<StreamSpec> streams() {
        return streams;
    }
}
