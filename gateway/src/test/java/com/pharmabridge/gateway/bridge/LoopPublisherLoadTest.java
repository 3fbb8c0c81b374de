package com.pharmabridge.gateway.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.gateway.testing.ConfiguredNats;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.ReliablePublisher;
import com.pharmabridge.gateway.testing.StoredMessages;
import com.pharmabridge.gateway.testing.WsDevice;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attacks on the loop publishing connections under load: many devices on both event loops interleaving stored and
 * fire-and-forget publishes (each device's order must hold in the stream), a nats-server that stops answering
 * (SIGSTOP: memory must stay bounded, sessions pause, then resume), and one killed and restarted mid-stream.
 */
class LoopPublisherLoadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private ConfiguredNats nats;
    private GatewayFixture gateway;
    private Connection observer;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (observer != null) {
            observer.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    private void start(int devices, String... overrides) throws Exception {
        nats = ConfiguredNats.start("");
        gateway = new GatewayFixture(nats.url()).with("GATEWAY_MESSAGE_RATE_LIMIT_PER_SECOND", "100000");
        for (int i = 0; i < overrides.length; i += 2) {
            gateway.with(overrides[i], overrides[i + 1]);
        }
        for (int i = 0; i < devices; i++) {
            gateway.device("sealer-" + i, "sealer", "line1");
        }
        gateway.start();
        observer = Nats.connect(new Options.Builder().server(nats.url()).maxReconnects(-1).build());
    }

    @Test
    void manyDevicesOnBothLoopsInterleavingStoredAndFireAndForgetKeepEachDevicesOrder() throws Exception {
        int devices = 16;
        int perDevice = 300;
        start(devices);
        ExecutorService pool = Executors.newFixedThreadPool(devices);
        List<Future<?>> running = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            String id = "sealer-" + d;
            running.add(pool.submit(() -> {
                try (WsDevice device = gateway.connect(id)) {
                    for (int n = 0; n < perDevice; n++) {
                        device.send("{\"type\":0,\"subject\":\"telemetry.line1.sealer." + id + "\","
                                + (n % 3 == 0 ? "\"correlationId\":\"" + id + "-" + n + "\"," : "")
                                + "\"payload\":{\"value\":" + n + "}}");
                    }
                    for (int n = 0; n < perDevice; n += 3) {
                        assertThat(device.awaitCorrelation(id + "-" + n).path("type").asInt()).isEqualTo(6);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        await().atMost(Duration.ofSeconds(10)).until(() -> observer.jetStreamManagement().getStreamInfo("TELEMETRY")
                .getStreamState().getMsgCount() == (long) devices * perDevice);
        Map<String, List<Integer>> bySubject = new HashMap<>();
        for (Message m : StoredMessages.all(observer, "telemetry.>")) {
            bySubject.computeIfAbsent(m.getSubject(), s -> new ArrayList<>())
                    .add(JSON.readTree(m.getData()).path("value").asInt());
        }
        assertThat(bySubject).hasSize(devices);
        bySubject.forEach((subject, values) -> assertThat(values).as(subject).isSorted().hasSize(perDevice)
                .doesNotHaveDuplicates());
        // Both loops' connections carried device messages.
        String connz = nats.monitor("/connz");
        assertThat(connz).contains("loop-0").contains("loop-1");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "stored publishes: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void stoppedServerUnderLoadKeepsMemoryBoundedPausesSessionsAndResumes(boolean stored) throws Exception {
        int devices = 8;
        long maxPending = 512 * 1024;
        start(devices, "NATS_MAX_PENDING_BYTES", Long.toString(maxPending), "JETSTREAM_PUBLISH_TIMEOUT_MS", "2000");
        String filler = "x".repeat(16 * 1024);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sentFrames = new AtomicLong();
        List<WsDevice> connected = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            WsDevice device = gateway.connect("sealer-" + d);
            connected.add(device);
            closeables.add(device);
        }
        List<Thread> senders = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            WsDevice device = connected.get(d);
            String subject = "telemetry.line1.sealer.sealer-" + d;
            Thread t = new Thread(() -> {
                long n = 0;
                while (!stop.get()) {
                    try {
                        device.send("{\"type\":0,\"subject\":\"" + subject + "\","
                                + (stored ? "\"correlationId\":\"" + subject + "-" + n++ + "\"," : "")
                                + "\"payload\":{\"value\":1,\"f\":\"" + filler + "\"}}");
                        sentFrames.incrementAndGet();
                    } catch (Exception e) {
                        return; // a send that could not complete within WsDevice's timeout: the gateway stopped reading
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            senders.add(t);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sentFrames.get() > 200);
        nats.pause();
        try {
            long before = sentFrames.get();
            long quietWindow = TimeUnit.SECONDS.toNanos(3);
            AtomicLong pendingPeak = new AtomicLong();
            AtomicLong settled = new AtomicLong();
            AtomicLong lastThree = new AtomicLong();
            java.util.ArrayDeque<long[]> samples = new java.util.ArrayDeque<>(); // {nanoTime, sentFrames}
            // Sampled all along: the gateway's pending bytes, and the frames the devices got in. Done once three
            // seconds passed in which the devices could hand over (almost) nothing: their sessions are paused.
            await().atMost(Duration.ofSeconds(20)).pollInSameThread().pollInterval(Duration.ofMillis(20)).until(() -> {
                pendingPeak.accumulateAndGet(gateway.server().bridge().outgoingPendingBytes(), Math::max);
                long now = System.nanoTime();
                long frames = sentFrames.get();
                samples.addLast(new long[] {now, frames});
                while (samples.size() > 1) { // keep the newest sample at least three seconds old, and the later ones
                    java.util.Iterator<long[]> it = samples.iterator();
                    it.next();
                    if (now - it.next()[0] < quietWindow) {
                        break;
                    }
                    samples.removeFirst();
                }
                long[] oldest = samples.getFirst();
                if (now - oldest[0] < quietWindow) {
                    return false;
                }
                settled.set(oldest[1]);
                lastThree.set(frames - oldest[1]);
                return frames - oldest[1] < 50;
            });
            long maxSeen = pendingPeak.get();
            long lastThreeSeconds = lastThree.get();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("ATTACK sigstop (stored " + stored + "): max pending %d bytes, frames accepted while paused %d (until "
                            + "settled) %d (last 3 s), heap used %d MB%n", maxSeen, settled.get() - before, lastThreeSeconds,
                    (rt.totalMemory() - rt.freeMemory()) >> 20);
            // Two loops, each at most its high-water mark plus one turn's appended chunk and a frame.
            assertThat(maxSeen).isLessThan(2 * (maxPending + 256 * 1024));
            // Sessions paused: once the sockets' buffers are full, devices can hand over (almost) nothing more.
            assertThat(lastThreeSeconds).isLessThan(50);
        } finally {
            nats.resume();
        }
        long afterResume = sentFrames.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> sentFrames.get() > afterResume + 200);
        stop.set(true);
        for (Thread t : senders) {
            t.join(15_000);
        }
        for (int d = 0; d < devices; d++) {
            WsDevice device = connected.get(d);
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
                String id = "after-" + System.nanoTime();
                device.send("{\"type\":0,\"subject\":\"telemetry.line1.x\",\"correlationId\":\"" + id
                        + "\",\"payload\":{\"value\":2}}");
                assertThat(device.await(m -> id.equals(m.path("correlationId").asText()), Duration.ofSeconds(5))
                        .path("type").asInt()).isEqualTo(6);
            });
        }
    }

    @Test
    void serverKilledAndRestartedMidStreamLosesNothingAcknowledged() throws Exception {
        int devices = 8;
        int perDevice = 300;
        start(devices, "JETSTREAM_PUBLISH_TIMEOUT_MS", "2000");
        List<ReliablePublisher> publishers = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            String id = "sealer-" + d;
            ReliablePublisher p = new ReliablePublisher(gateway.wsUri(), id, gateway.token(id),
                    "telemetry.line1.sealer." + id, 32).holdAt(perDevice / 2).start(perDevice);
            publishers.add(p);
            closeables.add(p);
        }
        // Held at half until the crash: on a fast machine they could otherwise all finish before it.
        await().atMost(Duration.ofSeconds(30)).until(() -> acked(publishers) >= devices * perDevice / 2);
        nats.crash();
        publishers.forEach(ReliablePublisher::release);
        await().atMost(Duration.ofSeconds(10)).until(() -> publishers.stream().mapToLong(ReliablePublisher::refusals).sum() > 0);
        nats.start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> publishers.stream().allMatch(ReliablePublisher::done));
        Map<String, Integer> stored = StoredMessages.correlationIdCounts(observer, "telemetry.>");
        Set<String> acked = new HashSet<>();
        publishers.forEach(p -> acked.addAll(p.acknowledged()));
        assertThat(acked).hasSize(devices * perDevice);
        assertThat(stored.keySet()).as("every acknowledged message stored").containsAll(acked);
        assertThat(stored.values()).as("none stored twice").allMatch(c -> c == 1);
    }

    private static long acked(List<ReliablePublisher> publishers) {
        return publishers.stream().mapToLong(p -> p.acknowledged().size()).sum();
    }
}
