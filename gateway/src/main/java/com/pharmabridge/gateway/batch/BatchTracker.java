package com.pharmabridge.gateway.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.gateway.bridge.NatsBridge;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows which batch each line is packing, from the {@code batch.{batchId}.start} and {@code …complete} events on
 * NATS (whoever publishes them: an HMI through the gateway, or an MES directly), so that the gateway can stamp
 * {@code Batch-Id} on messages of that line's devices that name no batch of their own: every record then belongs to
 * a batch. A start event names its line in the payload ({@code "line"}, and {@code "plant"} where line ids repeat
 * across plants); a device's line and plant are its registry attributes. On start the tracker reads the last event
 * of every batch from the BATCHES stream, so batches started before a gateway restart are still followed.
 */
public final class BatchTracker {
    static final String STREAM = "BATCHES";
    private static final Logger LOG = LoggerFactory.getLogger(BatchTracker.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** What a header value may hold (printable ASCII, bounded); the configured batch-id pattern is the device's rule. */
    private static final java.util.regex.Pattern HEADER_SAFE = java.util.regex.Pattern.compile("[\\x21-\\x7E]{1,128}");

    private final Map<String, String> activeByLine = new ConcurrentHashMap<>();
    private volatile boolean following;

    /** @return the batch active on the device's line, or {@code null} (no line attribute, or no batch running) */
    public String activeBatch(Map<String, String> deviceAttributes) {
        String line = deviceAttributes.get("line");
        if (line == null) {
            return null;
        }
        String plant = deviceAttributes.get("plant");
        String batch = plant == null ? null : activeByLine.get(plant + "/" + line);
        return batch != null ? batch : activeByLine.get(line);
    }

    /** @return true once the tracker subscribes and has read the stream's history */
    public boolean following() {
        return following;
    }

    /**
     * Subscribes to batch events and reads the history; call when NATS is ready. Idempotent. Subscriptions made
     * through the bridge's connection survive its reconnects.
     */
    public synchronized void follow(NatsBridge bridge) {
        if (following) {
            return;
        }
        bridge.subscribe("batch.*.start", this::onEvent);
        bridge.subscribe("batch.*.complete", this::onEvent);
        try {
            recover(bridge);
        } catch (Exception e) {
            LOG.warn("Could not read batch history from {}: {}; following new batch events only", STREAM,
                    e.toString());
        }
        following = true;
    }

    private void onEvent(Message message) {
        apply(message.getSubject(), message.getData());
    }

    /** Applies one batch event; events of other kinds (hold, release) do not change the active batch. */
    void apply(String subject, byte[] payload) {
        String[] tokens = subject.split("\\.");
        if (tokens.length != 3) {
            return;
        }
        String batchId = tokens[1];
        if (!HEADER_SAFE.matcher(batchId).matches()) {
            return; // another NATS client's subject: it becomes a header on every message of the line
        }
        JsonNode event;
        try {
            event = JSON.readTree(payload);
        } catch (IOException e) {
            return; // the gateway validated what it published; a foreign malformed event names no line
        }
        if ("complete".equals(tokens[2])) {
            // Ends the batch on every line it runs on, whether or not the event names the line.
            activeByLine.values().removeIf(batchId::equals);
            LOG.info("Batch {} completed", batchId);
            return;
        }
        String line = event.path("line").isTextual() ? event.path("line").asText() : null;
        String plant = event.path("plant").isTextual() ? event.path("plant").asText() : null;
        // Lines and plants are subject tokens; anything else (huge, multi-line) is no line of ours.
        if (line == null || !TOKEN.matcher(line).matches() || (plant != null && !TOKEN.matcher(plant).matches())) {
            return;
        }
        List<String> keys = plant == null ? List.of(line) : List.of(plant + "/" + line, line);
        if ("start".equals(tokens[2])) {
            keys.forEach(k -> activeByLine.put(k, batchId));
            LOG.info("Batch {} started on {}", batchId, keys.get(0));
        }
    }

    // The last event of each batch subject, in stream order, replays the current state.
    private void recover(NatsBridge bridge) throws Exception {
        List<Message> events = new ArrayList<>();
        JetStreamSubscription sub = bridge.connection().jetStream().subscribe("batch.>", PullSubscribeOptions.builder()
                .stream(STREAM).configuration(ConsumerConfiguration.builder()
                        .deliverPolicy(DeliverPolicy.LastPerSubject).ackPolicy(AckPolicy.None).build()).build());
        try {
            List<Message> batch;
            while (!(batch = sub.fetch(500, Duration.ofMillis(500))).isEmpty()) {
                events.addAll(batch);
            }
        } finally {
            sub.unsubscribe();
        }
        events.sort((a, b) -> Long.compare(a.metaData().streamSequence(), b.metaData().streamSequence()));
        for (Message m : events) {
            apply(m.getSubject(), m.getData());
        }
        LOG.info("Batch tracking: {} line(s) with an active batch after reading {} event(s) of {}",
                activeByLine.size(), events.size(), STREAM);
    }
}
