package com.pharmabridge.gateway.batch;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BatchTrackerTest {
    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aStartedBatchIsTheLinesUntilItCompletes() {
        BatchTracker tracker = new BatchTracker();
        tracker.apply("batch.B1.start", json("{\"line\":\"line1\"}"));
        assertThat(tracker.activeBatch(Map.of("line", "line1"))).isEqualTo("B1");
        tracker.apply("batch.B1.complete", json("{}"));
        assertThat(tracker.activeBatch(Map.of("line", "line1"))).isNull();
    }

    @Test
    void aBatchIdThatCouldNotTravelAsAHeaderIsIgnored() {
        // Another NATS client may publish such a subject; stamped on every message of the line it would break them all.
        BatchTracker tracker = new BatchTracker();
        tracker.apply("batch.Bé1.start", json("{\"line\":\"line1\"}"));
        tracker.apply("batch." + "B".repeat(129) + ".start", json("{\"line\":\"line1\"}"));
        assertThat(tracker.activeBatch(Map.of("line", "line1"))).isNull();
    }
}
