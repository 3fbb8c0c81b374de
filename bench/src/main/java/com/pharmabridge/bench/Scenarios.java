package com.pharmabridge.bench;

import com.pharmabridge.bench.Device.Side;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The scenarios, each one trial of one side: open the devices, warm up, measure over a fixed window, close. Figures
 * come back as named values; throughput into NATS is what nats-server's own {@code in_msgs} counted.
 */
final class Scenarios {
    private final Rig rig;
    private final double warmupSeconds;
    private final double durationSeconds;
    private final List<String> log;

    private double settleSeconds = 120;

    Scenarios(Rig rig, double warmupSeconds, double durationSeconds, List<String> log) {
        this.rig = rig;
        this.warmupSeconds = warmupSeconds;
        this.durationSeconds = durationSeconds;
        this.log = log;
    }

    /** At most this long after a trial for the servers to become idle before the next one starts. */
    Scenarios settle(double seconds) {
        this.settleSeconds = seconds;
        return this;
    }

    /** Everything a trial needs: nats-server, the gateway, the generator's sockets. */
    record Rig(NatsRig nats, GatewayRig gateway, WsEngine engine) {
        java.net.URI uri(Side side) {
            return side == Side.NATIVE ? nats.wsUri() : gateway.wsUri();
        }

        String[] tokens(Side side) {
            return side == Side.GATEWAY ? gateway.tokens : null;
        }
    }

    /** CPU of the three processes and what NATS received, at one instant. */
    private record Snapshot(long nanos, long inMsgs, long gatewayCpu, long natsCpu, long selfCpu, long gatewaySys) {
        static Snapshot take(Rig rig) throws IOException, InterruptedException {
            return new Snapshot(System.nanoTime(), rig.nats.inMsgs(), Proc.cpuNanos(rig.gateway.pid()),
                    Proc.cpuNanos(rig.nats.pid()), Proc.cpuNanos(Proc.self()), Proc.systemCpuNanos(rig.gateway.pid()));
        }
    }

    private static void costs(Map<String, Double> v, Snapshot a, Snapshot b, double messages) {
        double m = Math.max(1, messages);
        v.put("gatewayCpuUsPerMsg", (b.gatewayCpu - a.gatewayCpu) / 1000.0 / m);
        v.put("gatewayKernelCpuUsPerMsg", (b.gatewaySys - a.gatewaySys) / 1000.0 / m);
        v.put("natsCpuUsPerMsg", (b.natsCpu - a.natsCpu) / 1000.0 / m);
        v.put("generatorCpuUsPerMsg", (b.selfCpu - a.selfCpu) / 1000.0 / m);
        double seconds = (b.nanos - a.nanos) / 1e9;
        v.put("gatewayCores", (b.gatewayCpu - a.gatewayCpu) / 1e9 / seconds);
        v.put("natsCores", (b.natsCpu - a.natsCpu) / 1e9 / seconds);
        v.put("generatorCores", (b.selfCpu - a.selfCpu) / 1e9 / seconds);
    }

    // ---- ingest ---------------------------------------------------------------------------------------------------

    /** N devices send 200-byte telemetry as fast as the sockets take it, {@code framesPerWrite} frames per write. */
    Map<String, Double> ingest(Side side, int devices, int framesPerWrite) throws Exception {
        byte[][] batches = new byte[devices][];
        for (int i = 0; i < devices; i++) {
            String text = side == Side.GATEWAY ? Wire.gatewayPublish(Wire.ingestSubject(i), Wire.payload(i))
                    : Wire.natsPub(Wire.ingestSubject(i), Wire.payload(i));
            byte[] frame = WsEngine.frame(text);
            byte[] batch = new byte[frame.length * framesPerWrite];
            for (int k = 0; k < framesPerWrite; k++) {
                System.arraycopy(frame, 0, batch, k * frame.length, frame.length);
            }
            batches[i] = batch;
        }
        Device.Listener pump = new Device.Listener() {
            @Override
            public void writable(Device d) {
                byte[] batch = batches[d.index];
                d.conn.writeRaw(batch, 0, batch.length);
                d.sent += framesPerWrite;
            }
        };
        try (Device.Fleet fleet = open(side, devices, pump)) {
            fleet.devices.forEach(d -> d.conn.loop.execute(() -> d.conn.pump(true)));
            Map<String, Double> v = new LinkedHashMap<>();
            sleep(warmupSeconds);
            long errors0 = fleet.errors.get();
            Snapshot a = Snapshot.take(rig);
            long maxRss = 0;
            long end = a.nanos + (long) (durationSeconds * 1e9);
            while (System.nanoTime() < end) {
                TimeUnit.MILLISECONDS.sleep(250);
                maxRss = Math.max(maxRss, Proc.rssBytes(side == Side.GATEWAY ? rig.gateway.pid() : rig.nats.pid()));
            }
            Snapshot b = Snapshot.take(rig);
            fleet.devices.forEach(d -> d.conn.loop.execute(() -> d.conn.pump(false)));
            double received = b.inMsgs - a.inMsgs;
            v.put("msgsPerSec", received / ((b.nanos - a.nanos) / 1e9));
            costs(v, a, b, received);
            v.put("errors", (double) (fleet.errors.get() - errors0));
            v.put("peakRssMiB", maxRss / 1048576.0);
            note(side, fleet);
            return v;
        } finally {
            quiet();
        }
    }

    // ---- acknowledged ingest into JetStream ---------------------------------------------------------------------

    /**
     * Gateway: N devices each keep {@code window} publishes with a correlation id in flight into the file-stored
     * TELEMETRY stream, sending the next as each Ack comes. Baseline: one jnats connection doing publishAsync into the
     * same stream with N × window in flight, same subjects, same payloads, and a Nats-Msg-Id as the gateway sets.
     */
    Map<String, Double> acked(Side side, int devices, int window) throws Exception {
        purge("TELEMETRY");
        return side == Side.GATEWAY ? ackedGateway(devices, window) : ackedJnats(devices, window);
    }

    private Map<String, Double> ackedGateway(int devices, int window) throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        AtomicBoolean running = new AtomicBoolean(true);
        Device.Listener listener = new Device.Listener() {
            @Override
            public void acked(Device d) {
                if (running.get()) {
                    sendAcked(d);
                }
            }
        };
        try (Device.Fleet fleet = open(Side.GATEWAY, devices, listener)) {
            for (Device d : fleet.devices) {
                String text = "{\"type\":0,\"subject\":\"" + Wire.ackedSubject(d.index) + "\",\"correlationId\":\"" + run
                        + "-0000000000\",\"payload\":" + Wire.payload(d.index) + "}";
                byte[] frame = WsEngine.frame(text);
                int digits = WsEngine.textOffset(text.length()) + text.indexOf(run + "-") + run.length() + 1;
                d.state = new AckedState(frame, digits);
                d.conn.loop.execute(() -> {
                    for (int k = 0; k < window; k++) {
                        sendAcked(d);
                    }
                });
            }
            sleep(warmupSeconds);
            long acked0 = fleet.sum(d -> d.acked);
            long errors0 = fleet.errors.get();
            Snapshot a = Snapshot.take(rig);
            sleep(durationSeconds);
            long acked1 = fleet.sum(d -> d.acked);
            Snapshot b = Snapshot.take(rig);
            running.set(false);
            Map<String, Double> v = new LinkedHashMap<>();
            double acks = acked1 - acked0;
            v.put("msgsPerSec", acks / ((b.nanos - a.nanos) / 1e9));
            v.put("natsInMsgsPerSec", (b.inMsgs - a.inMsgs) / ((b.nanos - a.nanos) / 1e9));
            costs(v, a, b, acks);
            v.put("errors", (double) (fleet.errors.get() - errors0));
            note(Side.GATEWAY, fleet);
            TimeUnit.MILLISECONDS.sleep(500); // let the last acks come before closing
            return v;
        } finally {
            quiet();
        }
    }

    private static final class AckedState {
        final byte[] frame;
        final int digits;
        long seq;

        AckedState(byte[] frame, int digits) {
            this.frame = frame;
            this.digits = digits;
        }
    }

    private static void sendAcked(Device d) {
        AckedState s = (AckedState) d.state;
        long n = ++s.seq;
        for (int i = s.digits + 9; i >= s.digits; i--) {
            s.frame[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        d.conn.writeRaw(s.frame, 0, s.frame.length);
        d.sent++;
    }

    private Map<String, Double> ackedJnats(int devices, int window) throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        byte[][] payloads = new byte[devices][];
        String[] subjects = new String[devices];
        for (int i = 0; i < devices; i++) {
            payloads[i] = Wire.payload(i).getBytes(StandardCharsets.UTF_8);
            subjects[i] = Wire.ackedSubject(i);
        }
        Semaphore inFlight = new Semaphore(devices * window);
        LongAdder acks = new LongAdder();
        LongAdder errors = new LongAdder();
        AtomicBoolean running = new AtomicBoolean(true);
        try (Connection nc = Nats.connect(new Options.Builder().server(rig.nats.url()).build())) {
            JetStream js = nc.jetStream();
            Thread publisher = new Thread(() -> {
                long seq = 0;
                try {
                    while (running.get()) {
                        if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                            continue;
                        }
                        int i = (int) (seq % devices);
                        String id = GatewayRig.deviceId(i) + ":" + run + "-" + seq++;
                        js.publishAsync(subjects[i], payloads[i], PublishOptions.builder().messageId(id).build())
                                .whenComplete((ack, failure) -> {
                                    if (failure == null) {
                                        acks.increment();
                                    } else {
                                        errors.increment();
                                    }
                                    inFlight.release();
                                });
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "jnats-publisher");
            publisher.start();
            sleep(warmupSeconds);
            long acks0 = acks.sum();
            Snapshot a = Snapshot.take(rig);
            sleep(durationSeconds);
            long acks1 = acks.sum();
            Snapshot b = Snapshot.take(rig);
            running.set(false);
            publisher.join(5000);
            inFlight.tryAcquire(devices * window, 5, TimeUnit.SECONDS);
            Map<String, Double> v = new LinkedHashMap<>();
            double n = acks1 - acks0;
            v.put("msgsPerSec", n / ((b.nanos - a.nanos) / 1e9));
            v.put("natsInMsgsPerSec", (b.inMsgs - a.inMsgs) / ((b.nanos - a.nanos) / 1e9));
            costs(v, a, b, n);
            v.put("errors", (double) errors.sum());
            return v;
        } finally {
            quiet();
        }
    }

    private void purge(String stream) throws IOException, InterruptedException {
        try (Connection nc = Nats.connect(new Options.Builder().server(rig.nats.url()).build())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.purgeStream(stream);
        } catch (io.nats.client.JetStreamApiException e) {
            log.add("purge " + stream + ": " + e.getMessage());
        }
    }

    // ---- delivery -----------------------------------------------------------------------------------------------

    /**
     * One jnats publisher sends 200-byte messages to a subject M devices subscribe to; every message goes to every
     * device. The publisher keeps at most 128 messages per device undelivered, so neither side drops: what is
     * measured is deliveries per second the side sustains.
     */
    Map<String, Double> delivery(Side side, int subscribers) throws Exception {
        LongAdder delivered = new LongAdder();
        Device.Listener listener = new Device.Listener() {
            @Override
            public void delivered(Device d, byte[] b, int offset, int length) {
                delivered.increment();
            }
        };
        byte[] payload = Wire.payload(0).getBytes(StandardCharsets.UTF_8);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong published = new AtomicLong();
        try (Device.Fleet fleet = open(side, subscribers, listener);
             Connection nc = Nats.connect(new Options.Builder().server(rig.nats.url()).build())) {
            fleet.subscribeAll(i -> Wire.FANOUT_SUBJECT, 60_000);
            long window = 128L * subscribers;
            Thread publisher = new Thread(() -> {
                while (running.get()) {
                    if (published.get() * subscribers - delivered.sum() < window) {
                        nc.publish(Wire.FANOUT_SUBJECT, payload);
                        published.incrementAndGet();
                    } else {
                        java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                    }
                }
            }, "fanout-publisher");
            publisher.start();
            sleep(warmupSeconds);
            long d0 = delivered.sum();
            long errors0 = fleet.errors.get();
            Snapshot a = Snapshot.take(rig);
            sleep(durationSeconds);
            long d1 = delivered.sum();
            Snapshot b = Snapshot.take(rig);
            running.set(false);
            publisher.join(5000);
            Map<String, Double> v = new LinkedHashMap<>();
            double n = d1 - d0;
            v.put("msgsPerSec", n / ((b.nanos - a.nanos) / 1e9));
            costs(v, a, b, n);
            v.put("errors", (double) (fleet.errors.get() - errors0));
            note(side, fleet);
            return v;
        } finally {
            quiet();
        }
    }

    // ---- latency ------------------------------------------------------------------------------------------------

    private static final long SENT_AT_BASE = 1_000_000_000_000_000_000L;

    private static final class LatencyState {
        final byte[] frame;
        final int digits;
        long nextDue;

        LatencyState(byte[] frame, int digits, long nextDue) {
            this.frame = frame;
            this.digits = digits;
            this.nextDue = nextDue;
        }
    }

    /**
     * Each of N devices subscribes to its own subject and publishes to it at a fixed total rate; the time from when a
     * message was due to be sent (not when it was sent: corrected for coordinated omission) until it comes back.
     */
    Map<String, Double> latency(Side side, int devices, int ratePerSecond) throws Exception {
        Map<WsEngine.Loop, Histogram> histograms = new IdentityHashMap<>();
        for (WsEngine.Loop loop : rig.engine.loops()) {
            histograms.put(loop, new Histogram(TimeUnit.SECONDS.toNanos(60), 3));
        }
        long base = System.nanoTime();
        long[] window = {Long.MAX_VALUE, Long.MAX_VALUE}; // record messages due in [from, to)
        Device.Listener listener = new Device.Listener() {
            @Override
            public void delivered(Device d, byte[] b, int offset, int length) {
                long sentAt = Wire.sentAt(b, offset, length);
                if (sentAt < 0) {
                    return;
                }
                long due = sentAt - SENT_AT_BASE + base;
                if (due >= window[0] && due < window[1]) {
                    long latency = System.nanoTime() - due;
                    histograms.get(d.conn.loop).recordValue(Math.min(latency, TimeUnit.SECONDS.toNanos(60)));
                }
            }
        };
        Device.Fleet fleet = open(side, devices, listener);
        try {
            fleet.subscribeAll(Wire::latencySubject, 60_000);
            long interval = (long) (devices * 1e9 / ratePerSecond);
            long start = System.nanoTime() + 50_000_000L;
            Map<WsEngine.Loop, List<Device>> byLoop = new IdentityHashMap<>();
            for (Device d : fleet.devices) {
                String text = side == Side.GATEWAY
                        ? Wire.gatewayPublish(Wire.latencySubject(d.index), Wire.latencyPayload(d.index))
                        : Wire.natsPub(Wire.latencySubject(d.index), Wire.latencyPayload(d.index));
                byte[] frame = WsEngine.frame(text);
                int digits = WsEngine.textOffset(text.length()) + text.indexOf(Wire.SENT_AT) + Wire.SENT_AT.length();
                d.state = new LatencyState(frame, digits, start + (long) d.index * interval / devices);
                byLoop.computeIfAbsent(d.conn.loop, l -> new ArrayList<>()).add(d);
            }
            AtomicLong sent = new AtomicLong();
            for (Map.Entry<WsEngine.Loop, List<Device>> e : byLoop.entrySet()) {
                Device[] mine = e.getValue().toArray(Device[]::new);
                e.getKey().ticker((loop, now) -> {
                    for (Device d : mine) {
                        LatencyState s = (LatencyState) d.state;
                        while (s.nextDue <= now && d.conn.isOpen()) {
                            Wire.putDigits19(s.frame, s.digits, s.nextDue - base + SENT_AT_BASE);
                            d.conn.writeRaw(s.frame, 0, s.frame.length);
                            s.nextDue += interval;
                            sent.incrementAndGet();
                        }
                    }
                });
            }
            sleep(warmupSeconds);
            long from = System.nanoTime();
            window[1] = from + (long) (durationSeconds * 1e9);
            window[0] = from;
            long errors0 = fleet.errors.get();
            Snapshot a = Snapshot.take(rig);
            sleep(durationSeconds);
            Snapshot b = Snapshot.take(rig);
            sleep(Math.min(2.0, warmupSeconds)); // late answers still count, against their due time
            for (WsEngine.Loop loop : rig.engine.loops()) {
                loop.ticker(null);
            }
            Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            for (Histogram h : histograms.values()) {
                all.add(h);
            }
            long expected = (long) (ratePerSecond * durationSeconds);
            Map<String, Double> v = new LinkedHashMap<>();
            v.put("p50Ms", all.getValueAtPercentile(50) / 1e6);
            v.put("p99Ms", all.getValueAtPercentile(99) / 1e6);
            v.put("p999Ms", all.getValueAtPercentile(99.9) / 1e6);
            v.put("maxMs", all.getMaxValue() / 1e6);
            v.put("received", (double) all.getTotalCount());
            v.put("missing", (double) Math.max(0, expected - all.getTotalCount()));
            v.put("msgsPerSec", all.getTotalCount() / durationSeconds);
            costs(v, a, b, all.getTotalCount());
            v.put("errors", (double) (fleet.errors.get() - errors0));
            note(side, fleet);
            return v;
        } finally {
            for (WsEngine.Loop loop : rig.engine.loops()) {
                loop.ticker(null);
            }
            fleet.close();
            quiet();
        }
    }

    // ---- connections --------------------------------------------------------------------------------------------

    /**
     * N devices connect and log in at once (at most 1,000 logins in progress: a reconnect storm), stay idle, and the
     * memory they hold is measured after a full GC (gateway heap; nats-server resident memory, it has no heap to ask).
     */
    Map<String, Double> connections(Side side, int devices) throws Exception {
        int needed = devices + 2_000;
        long limit = openFileLimit();
        if (limit > 0 && limit < needed) {
            throw new IllegalStateException(devices + " connections need about " + needed + " open files; the limit is "
                    + limit + " (run through bench/run.sh, which raises it, or 'ulimit -n 200000' as root)");
        }
        List<String> sources = new ArrayList<>();
        if (devices > 20_000) {
            for (int i = 0; i < (devices + 19_999) / 20_000; i++) {
                sources.add("127.0.0." + (2 + i));
            }
        }
        Map<String, Double> v = new LinkedHashMap<>();
        long before = side == Side.GATEWAY ? rig.gateway.heapAfterGc() : Proc.rssBytes(rig.nats.pid());
        long rssBefore = Proc.rssBytes(side == Side.GATEWAY ? rig.gateway.pid() : rig.nats.pid());
        Snapshot a = Snapshot.take(rig);
        Device.Fleet fleet = Device.Fleet.open(rig.engine, side, rig.uri(side), rig.tokens(side), 0, devices, 1_000,
                sources, new Device.Listener() {
                }, 300_000);
        try {
            Snapshot b = Snapshot.take(rig);
            v.put("loginsPerSec", devices / (fleet.openNanos / 1e9));
            v.put("gatewayCpuUsPerLogin", (b.gatewayCpu - a.gatewayCpu) / 1000.0 / devices);
            v.put("gatewayKernelCpuUsPerLogin", (b.gatewaySys - a.gatewaySys) / 1000.0 / devices);
            v.put("generatorCpuUsPerLogin", (b.selfCpu - a.selfCpu) / 1000.0 / devices);
            v.put("natsCpuUsPerLogin", (b.natsCpu - a.natsCpu) / 1000.0 / devices);
            sleep(Math.max(0.2, Math.min(2.0, warmupSeconds))); // let the logins' audit records and buffers settle
            long after = side == Side.GATEWAY ? rig.gateway.heapAfterGc() : Proc.rssBytes(rig.nats.pid());
            long rssAfter = Proc.rssBytes(side == Side.GATEWAY ? rig.gateway.pid() : rig.nats.pid());
            if (side == Side.GATEWAY) {
                classHistogram(devices);
                v.put("heapBytesPerConn", (after - before) / (double) devices);
            } else {
                v.put("rssBytesPerConn", (after - before) / (double) devices);
            }
            v.put("processRssBytesPerConn", (rssAfter - rssBefore) / (double) devices);
            v.put("connected", (double) fleet.ready());
            note(side, fleet);
        } finally {
            fleet.close();
            long deadline = System.nanoTime() + (long) (Math.max(settleSeconds, 5) * 1e9);
            while (System.nanoTime() < deadline && (side == Side.GATEWAY ? rig.gateway.sessions() > 0
                    : rig.nats.connections() > 1)) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            quiet();
        }
        return v;
    }

    /** What the idle connections hold, class by class, next to the results (jcmd GC.class_histogram). */
    private void classHistogram(int devices) {
        try {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Path file = rig.gateway.dir.resolve("class-histogram-" + devices + "-idle.txt");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(rig.gateway.pid()), "GC.class_histogram")
                    .redirectErrorStream(true).redirectOutput(file.toFile()).start();
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            log.add("no class histogram: " + e);
        }
    }

    static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private Device.Fleet open(Side side, int devices, Device.Listener listener) throws InterruptedException {
        return Device.Fleet.open(rig.engine, side, rig.uri(side), rig.tokens(side), 0, devices, 1_000, List.of(),
                listener, 120_000);
    }

    private void note(Side side, Device.Fleet fleet) {
        String problem = fleet.firstProblem();
        if (problem != null) {
            log.add(side + ": " + problem);
        }
    }

    /**
     * Waits until the previous trial has fully ended: nats-server no longer receiving, and neither it nor the gateway
     * still busy (a side that fell behind works off what the sockets still held after the generator stopped, and that
     * must not be counted against the next trial).
     */
    private void quiet() throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + (long) (settleSeconds * 1e9);
        Snapshot last = Snapshot.take(rig);
        while (System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(250);
            Snapshot now = Snapshot.take(rig);
            boolean idle = now.inMsgs - last.inMsgs < 50 && now.gatewayCpu - last.gatewayCpu <= 25_000_000L
                    && now.natsCpu - last.natsCpu <= 25_000_000L;
            last = now;
            if (idle) {
                double seconds = (System.nanoTime() - start) / 1e9;
                if (seconds > 5) {
                    log.add(String.format(java.util.Locale.ROOT, "the servers needed %.1f s to work off the last trial's "
                            + "buffered traffic", seconds));
                }
                return;
            }
        }
        log.add(String.format(java.util.Locale.ROOT, "the servers were still busy %.0f s after a trial", settleSeconds));
    }

    private static void sleep(double seconds) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep((long) (seconds * 1000));
    }
}
