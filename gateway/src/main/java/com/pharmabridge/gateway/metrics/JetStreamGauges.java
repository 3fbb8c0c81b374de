package com.pharmabridge.gateway.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AccountStatistics;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamInfo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What JetStream holds, read by {@link #poll} at intervals rather than on each scrape (a scrape must stay cheap):
 * per declared stream its messages, bytes, byte limit, last sequence and consumers; the account's storage against its
 * limit; and the lag of durable application consumers (the historian's and the like) one by one, up to a bound.
 * Devices' durable consumers (named {@code dev_…}) are summed per stream, never one series per device; ephemeral
 * consumers are left out.
 */
public final class JetStreamGauges {
    static final String DEVICE_CONSUMER_PREFIX = "dev_";
    static final String OTHER = "(other)";

    private final List<String> streams;
    private final int maxConsumerSeries;
    private final Map<String, StreamFigures> figures = new LinkedHashMap<>();
    private final MultiGauge consumerPending;
    private final MultiGauge consumerAckPending;
    private volatile double storageBytes = Double.NaN;
    private volatile double storageLimitBytes = Double.NaN;
    private volatile double lastPollSucceeded;

    /** One stream's figures; NaN until first read. */
    private static final class StreamFigures {
        volatile double messages = Double.NaN;
        volatile double bytes = Double.NaN;
        volatile double maxBytes = Double.NaN;
        volatile double lastSequence;
        volatile double consumers = Double.NaN;
        volatile double deviceConsumers = Double.NaN;
        volatile double deviceConsumersPending = Double.NaN;
    }

    JetStreamGauges(MeterRegistry registry, List<String> streams, int maxConsumerSeries) {
        this.streams = List.copyOf(streams);
        this.maxConsumerSeries = maxConsumerSeries;
        for (String stream : this.streams) {
            StreamFigures f = new StreamFigures();
            figures.put(stream, f);
            Tags tags = Tags.of("stream", stream);
            Gauge.builder("gateway.jetstream.stream.messages", f, x -> x.messages).tags(tags).strongReference(true)
                    .description("Messages a stream holds now").register(registry);
            Gauge.builder("gateway.jetstream.stream.bytes", f, x -> x.bytes).tags(tags).strongReference(true)
                    .baseUnit("bytes").description("Bytes a stream holds now").register(registry);
            Gauge.builder("gateway.jetstream.stream.max.bytes", f, x -> x.maxBytes).tags(tags).strongReference(true)
                    .baseUnit("bytes").description("A stream's byte limit; -1: none").register(registry);
            FunctionCounter.builder("gateway.jetstream.stream.stored", f, x -> x.lastSequence).tags(tags)
                    .description("Messages a stream has stored since it was created (its last sequence): rate() "
                            + "is the stream's message rate, from every gateway").register(registry);
            Gauge.builder("gateway.jetstream.stream.consumers", f, x -> x.consumers).tags(tags).strongReference(true)
                    .description("Consumers of a stream").register(registry);
            Gauge.builder("gateway.jetstream.device.consumers", f, x -> x.deviceConsumers).tags(tags)
                    .strongReference(true).description("Devices' durable consumers of a stream").register(registry);
            Gauge.builder("gateway.jetstream.device.consumers.pending", f, x -> x.deviceConsumersPending).tags(tags)
                    .strongReference(true).description("Messages waiting for devices' durable consumers of a stream, "
                            + "summed").register(registry);
        }
        Gauge.builder("gateway.jetstream.storage", this, g -> g.storageBytes).baseUnit("bytes").strongReference(true)
                .description("JetStream storage the gateway's account uses").register(registry);
        Gauge.builder("gateway.jetstream.storage.limit", this, g -> g.storageLimitBytes).baseUnit("bytes")
                .strongReference(true).description("The account's JetStream storage limit; -1: none (the server's "
                        + "max_file_store applies)").register(registry);
        Gauge.builder("gateway.jetstream.poll.success", this, g -> g.lastPollSucceeded).strongReference(true)
                .description("1 when the last read of JetStream's figures succeeded").register(registry);
        consumerPending = MultiGauge.builder("gateway.jetstream.consumer.pending")
                .description("Messages an application consumer (not a device's) has yet to receive: its lag")
                .register(registry);
        consumerAckPending = MultiGauge.builder("gateway.jetstream.consumer.ack.pending")
                .description("Messages an application consumer received but has not acknowledged").register(registry);
    }

    /** Reads every figure; blocking (JetStream API requests), so never on an event loop. */
    public void poll(JetStreamManagement jsm) {
        try {
            Map<String, StreamInfo> infos = new TreeMap<>();
            for (StreamInfo info : jsm.getStreams()) {
                infos.put(info.getConfiguration().getName(), info);
            }
            Map<Tags, Double> pending = new LinkedHashMap<>();
            Map<Tags, Double> ackPending = new LinkedHashMap<>();
            int series = 0;
            for (Map.Entry<String, StreamFigures> entry : figures.entrySet()) {
                StreamFigures f = entry.getValue();
                StreamInfo info = infos.get(entry.getKey());
                if (info == null) {
                    f.messages = f.bytes = f.maxBytes = f.consumers = f.deviceConsumers = f.deviceConsumersPending
                            = Double.NaN;
                    continue;
                }
                f.messages = info.getStreamState().getMsgCount();
                f.bytes = info.getStreamState().getByteCount();
                f.maxBytes = info.getConfiguration().getMaxBytes();
                f.lastSequence = info.getStreamState().getLastSequence();
                f.consumers = info.getStreamState().getConsumerCount();
                long devices = 0;
                long devicesPending = 0;
                List<ConsumerInfo> consumers = info.getStreamState().getConsumerCount() == 0 ? List.of()
                        : jsm.getConsumers(entry.getKey());
                for (ConsumerInfo consumer : consumers) {
                    if (consumer.getConsumerConfiguration().getDurable() == null) {
                        continue; // ephemeral (a line view's, a replay's): comes and goes, lags nothing that matters
                    }
                    if (consumer.getName().startsWith(DEVICE_CONSUMER_PREFIX)) {
                        devices++;
                        devicesPending += consumer.getNumPending();
                        continue;
                    }
                    String name = series < maxConsumerSeries ? consumer.getName() : OTHER;
                    if (!name.equals(OTHER)) {
                        series++;
                    }
                    Tags tags = Tags.of("stream", entry.getKey(), "consumer", name);
                    pending.merge(tags, (double) consumer.getNumPending(), Double::sum);
                    ackPending.merge(tags, (double) consumer.getNumAckPending(), Double::sum);
                }
                f.deviceConsumers = devices;
                f.deviceConsumersPending = devicesPending;
            }
            consumerPending.register(rows(pending), true);
            consumerAckPending.register(rows(ackPending), true);
            AccountStatistics account = jsm.getAccountStatistics();
            storageBytes = account.getStorage();
            storageLimitBytes = account.getLimits() == null ? -1 : account.getLimits().getMaxStorage();
            lastPollSucceeded = 1;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            lastPollSucceeded = 0;
        }
    }

    /** Called while NATS is away: figures that cannot be read are not shown as if they were current. */
    public void unavailable() {
        lastPollSucceeded = 0;
    }

    /** @return the last sequence of each declared stream, as last read (for message rates) */
    public Map<String, Long> lastSequences() {
        Map<String, Long> out = new LinkedHashMap<>();
        figures.forEach((stream, f) -> out.put(stream, (long) f.lastSequence));
        return out;
    }

    public List<String> streams() {
        return streams;
    }

    private static List<MultiGauge.Row<?>> rows(Map<Tags, Double> values) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        values.forEach((tags, value) -> rows.add(MultiGauge.Row.of(tags, value)));
        return rows;
    }
}
