package com.pharmabridge.simulator;

import com.pharmabridge.sdk.ClientResources;
import com.pharmabridge.sdk.ConnectionListener;
import com.pharmabridge.sdk.DeviceClient;
import com.pharmabridge.sdk.DeviceClientOptions;
import com.pharmabridge.sdk.MemoryJournal;
import com.pharmabridge.sdk.PublishJournal;
import com.pharmabridge.sdk.StoreJournal;
import com.pharmabridge.sdk.store.OfflineStore;
import com.pharmabridge.sdk.store.StoreLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Simulates the packaging lines of a {@link LineDescription} against a gateway: every machine and every line's HMI is
 * a device with its own {@link DeviceClient} (the project's SDK, with its offline store), connected through its own
 * {@link NetworkRelay} so that an outage can cut it off. A single event loop moves simulated time forward: machines
 * report a cycle of readings at their cycle time while they run, HMIs run the batches, outages cut and restore
 * connections.
 * <p>
 * At a finite speed, simulated time follows the wall clock times the speed, whether or not the gateway keeps up —
 * as a real line does; what cannot be sent waits in the devices' offline stores. At {@code speed: max} simulated time
 * moves as fast as the gateway acknowledges: the loop waits while any connected device has more than a window of
 * publishes unacknowledged, and after an outage until the device is back and has caught up.
 */
public final class LineSimulator implements AutoCloseable {
    /** Unacknowledged publishes of a connected device beyond which a run at {@code speed: max} waits for it. */
    static final int MAX_SPEED_WINDOW = 2 * DeviceClientOptions.DEFAULT_MAX_IN_FLIGHT;
    /** Publishes a device cut off by an outage may collect before a run at {@code speed: max} waits for it. */
    static final int MAX_SPEED_OFFLINE_BACKLOG = 20_000;
    static final Duration CONNECT_WAIT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(LineSimulator.class);

    private final LineDescription description;
    private final SimClock clock;
    private final SimulatorCounters counters = new SimulatorCounters();
    private final ClientResources resources;
    private final ExecutorService relayThreads;
    private final ScheduledExecutorService outageTimer;
    private final Map<String, Device> devices = new LinkedHashMap<>();
    private final List<SimulatedMachine> machines = new ArrayList<>();
    private final List<LineHmi> hmis = new ArrayList<>();
    private final PriorityQueue<Timed> timeline = new PriorityQueue<>(); // event loop thread only
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread loopThread;
    private long timelineSequence; // event loop thread only
    private volatile Instant end;

    /** One device of the run: its client, its relay and, when kept on disk, its offline store. */
    private record Device(String id, DeviceClient client, NetworkRelay relay, OfflineStore store,
                          AtomicBoolean authenticated, AtomicBoolean refused) {
    }

    private record Timed(Instant at, long sequence, Runnable action) implements Comparable<Timed> {
        @Override
        public int compareTo(Timed other) {
            int byTime = at.compareTo(other.at);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    private LineSimulator(LineDescription description) {
        this.description = description;
        this.clock = new SimClock(description.start() != null ? description.start() : Instant.now());
        this.resources = ClientResources.create("line-sim", 2);
        this.relayThreads = Executors.newCachedThreadPool(daemonThreads("line-sim-net"));
        this.outageTimer = Executors.newSingleThreadScheduledExecutor(daemonThreads("line-sim-outage"));
        this.loopThread = new Thread(this::run, "line-sim-clock");
        this.loopThread.setDaemon(true);
    }

    /**
     * Connects every device of {@code description} and starts simulated time once they are logged in (or after
     * {@link #CONNECT_WAIT}); returns at once.
     *
     * @param gatewayWs  the gateway's WebSocket endpoint, {@code ws://host:port/ws} or {@code wss://…}
     * @param tokens     each device id's token, for every machine and HMI of the description
     * @param dataDir    where devices keep their offline stores ({@code offline/{deviceId}.db}); {@code null} keeps
     *                   them in memory whatever the description says
     * @param sslContext trust (and client certificate) for {@code wss://}; {@code null} for the JVM's default
     * @throws IllegalArgumentException when the URI is not ws/wss or a device has no token
     */
    public static LineSimulator start(URI gatewayWs, LineDescription description, Map<String, String> tokens,
                                      Path dataDir, SSLContext sslContext) {
        Objects.requireNonNull(description, "description");
        String scheme = Objects.requireNonNull(gatewayWs, "gatewayWs").getScheme();
        if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("Expected a ws:// or wss:// URI: " + gatewayWs);
        }
        for (String id : description.deviceIds()) {
            String token = tokens.get(id);
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("No token for device " + id);
            }
        }
        LineSimulator simulator = new LineSimulator(description);
        try {
            simulator.build(gatewayWs, tokens, dataDir, sslContext);
        } catch (RuntimeException e) {
            simulator.close();
            throw e;
        }
        simulator.loopThread.start();
        LOG.info("Line simulator started: {} device(s) on {} line(s), speed {}, seed {}, gateway {}",
                simulator.devices.size(), description.lines().size(),
                description.asFastAsPossible() ? "max" : description.speed(), description.seed(), gatewayWs);
        return simulator;
    }

    /** As {@link #start(URI, LineDescription, Map, Path, SSLContext)} with the JVM's default TLS trust. */
    public static LineSimulator start(URI gatewayWs, LineDescription description, Map<String, String> tokens,
                                      Path dataDir) {
        return start(gatewayWs, description, tokens, dataDir, null);
    }

    private void build(URI gatewayWs, Map<String, String> tokens, Path dataDir, SSLContext sslContext) {
        InetSocketAddress gatewayAddress = new InetSocketAddress(gatewayWs.getHost(),
                gatewayWs.getPort() > 0 ? gatewayWs.getPort() : "wss".equalsIgnoreCase(gatewayWs.getScheme()) ? 443 : 80);
        EventLoop loop = this::at;
        for (LineDescription.Line line : description.lines()) {
            LineState lineState = new LineState();
            List<SimulatedMachine> lineMachines = new ArrayList<>();
            for (LineDescription.Machine spec : line.machines()) {
                SimulatedDevice device = new SimulatedDevice(spec.id(), tokens.get(spec.id()), spec.equipment(),
                        line.plant(), line.id());
                SplittableRandom random = TelemetryGenerators.deviceRandom(description.seed(), spec.id());
                SimulatedMachine machine = new SimulatedMachine(device, spec, lineState, clock, random,
                        line.product().gtin(), counters);
                machine.attach(new DevicePublisher(spec.id(), connect(spec.id(), tokens.get(spec.id()),
                        spec.equipment().subjectToken(), gatewayWs, gatewayAddress, dataDir, sslContext), counters));
                lineMachines.add(machine);
            }
            machines.addAll(lineMachines);
            // The HMI's SimulatedDevice carries its line; its equipment is unused (an HMI generates no readings).
            SimulatedDevice hmiDevice = new SimulatedDevice(line.hmiId(), tokens.get(line.hmiId()),
                    Equipment.BLISTER_SEALER, line.plant(), line.id());
            LineHmi hmi = new LineHmi(hmiDevice, line, hmis.size() + 1, lineState, clock, loop, counters,
                    lineMachines);
            hmi.attach(new DevicePublisher(line.hmiId(), connect(line.hmiId(), tokens.get(line.hmiId()), LinePermissions.HMI_TYPE,
                    gatewayWs, gatewayAddress, dataDir, sslContext), counters));
            hmis.add(hmi);
        }
    }

    private DeviceClient connect(String deviceId, String token, String deviceType, URI gatewayWs,
                                 InetSocketAddress gatewayAddress, Path dataDir, SSLContext sslContext) {
        NetworkRelay relay;
        try {
            relay = NetworkRelay.start(deviceId, gatewayAddress, relayThreads);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the network relay of " + deviceId, e);
        }
        URI viaRelay = URI.create(gatewayWs.getScheme() + "://127.0.0.1:" + relay.port() + gatewayWs.getRawPath());
        OfflineStore store = null;
        PublishJournal journal;
        if (dataDir != null && description.offlineStore() == LineDescription.OfflineStoreKind.DISK) {
            store = OfflineStore.open(dataDir.resolve("offline").resolve(deviceId + ".db"), StoreLimits.defaults());
            journal = new StoreJournal(store);
        } else {
            journal = new MemoryJournal();
        }
        AtomicBoolean authenticated = new AtomicBoolean();
        AtomicBoolean refused = new AtomicBoolean();
        DeviceClientOptions.Builder options = DeviceClientOptions.builder().gatewayUri(viaRelay).deviceId(deviceId)
                .token(token).deviceType(deviceType).journal(journal).resources(resources)
                .listener(new ConnectionListener() {
                    @Override
                    public void onEvent(ConnectionListener.Event event, String detail) {
                        LineSimulator.this.onEvent(deviceId, event, detail, authenticated, refused);
                    }
                });
        if (sslContext != null) {
            options.sslContext(sslContext);
        }
        DeviceClient client = DeviceClient.connect(options.build());
        devices.put(deviceId, new Device(deviceId, client, relay, store, authenticated, refused));
        return client;
    }

    private void onEvent(String deviceId, ConnectionListener.Event event, String detail, AtomicBoolean authenticated,
                         AtomicBoolean refused) {
        switch (event) {
            case AUTHENTICATED -> {
                if (authenticated.compareAndSet(false, true)) {
                    counters.connected.incrementAndGet();
                }
            }
            case DISCONNECTED, CLOSED -> {
                if (authenticated.compareAndSet(true, false)) {
                    counters.connected.decrementAndGet();
                }
            }
            case AUTH_FAILED -> {
                refused.set(true);
                LOG.warn("Device {} was refused at login: {}", deviceId, detail);
            }
            default -> {
            }
        }
    }

    // ---- the event loop ----

    private void at(Instant time, Runnable action) {
        timeline.add(new Timed(time, timelineSequence++, action));
    }

    private void run() {
        try {
            awaitConnected();
            Instant simStart = clock.now();
            long wallStart = System.nanoTime();
            Duration duration = description.duration();
            end = duration == null ? null : simStart.plus(duration);
            SplittableRandom offsets = new SplittableRandom(description.seed());
            for (SimulatedMachine machine : machines) {
                // Machines of a line do not all report in the same instant.
                long offsetMillis = offsets.nextLong(Math.max(1, machine.cycleTime().toMillis()));
                at(simStart.plusMillis(offsetMillis), () -> cycle(machine));
            }
            for (LineHmi hmi : hmis) {
                hmi.begin(simStart);
            }
            for (LineDescription.Outage outage : description.outages()) {
                NetworkRelay relay = devices.get(outage.deviceId()).relay();
                at(simStart.plus(outage.at()), () -> {
                    counters.outages.increment();
                    relay.cut();
                });
                at(simStart.plus(outage.at()).plus(outage.duration()), relay::restore);
            }
            while (!stopping.get()) {
                Timed next = timeline.poll();
                if (next == null || (end != null && next.at().isAfter(end))) {
                    break;
                }
                if (!pace(next.at(), simStart, wallStart)) {
                    break;
                }
                clock.advanceTo(next.at());
                try {
                    next.action().run();
                } catch (RuntimeException e) {
                    LOG.error("Simulation step failed", e);
                }
            }
            if (end != null && !stopping.get()) {
                clock.advanceTo(end);
                LOG.info("Simulated time reached the end of the run ({})", end);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    private void cycle(SimulatedMachine machine) {
        machine.cycle();
        at(clock.now().plus(machine.cycleTime()), () -> cycle(machine));
    }

    private void awaitConnected() throws InterruptedException {
        long deadline = System.nanoTime() + CONNECT_WAIT.toNanos();
        for (Device device : devices.values()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !device.client().awaitAuthenticated(Duration.ofNanos(left))) {
                LOG.warn("Not every device logged in within {}; simulated time starts anyway", CONNECT_WAIT);
                return;
            }
        }
    }

    /** Waits until simulated time {@code at} may happen; false when the simulator is stopping. */
    private boolean pace(Instant at, Instant simStart, long wallStart) throws InterruptedException {
        if (description.asFastAsPossible()) {
            return awaitDevicesKeepingUp();
        }
        long simNanos = Duration.between(simStart, at).toNanos();
        long wallDue = wallStart + (long) (simNanos / description.speed());
        while (!stopping.get()) {
            long wait = wallDue - System.nanoTime();
            if (wait <= 0) {
                return true;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
        }
        return false;
    }

    private boolean awaitDevicesKeepingUp() {
        long lastReport = System.nanoTime();
        while (!stopping.get()) {
            Device behind = null;
            for (Device device : devices.values()) {
                if (device.refused().get()) {
                    continue; // a device refused at login will not come back; the rest of the line goes on
                }
                int pending = device.client().pendingPublishes();
                boolean keepingUp = device.relay().isCut() ? pending < MAX_SPEED_OFFLINE_BACKLOG
                        : device.authenticated().get() && pending < MAX_SPEED_WINDOW;
                if (!keepingUp) {
                    behind = device;
                    break;
                }
            }
            if (behind == null) {
                return true;
            }
            if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(10)) {
                lastReport = System.nanoTime();
                LOG.info("Waiting for {} ({}, {} unacknowledged) before simulated time goes on", behind.id(),
                        behind.authenticated().get() ? "connected" : "not connected",
                        behind.client().pendingPublishes());
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
        return false;
    }

    // ---- operating the run ----

    /**
     * The outage switch: cuts a device's network now for {@code wallDuration} of real time; it reconnects by itself
     * afterwards and sends what it kept meanwhile.
     *
     * @throws IllegalArgumentException for an unknown device id
     */
    public void cutNetwork(String deviceId, Duration wallDuration) {
        Device device = devices.get(deviceId);
        if (device == null) {
            throw new IllegalArgumentException("No such device: " + deviceId);
        }
        counters.outages.increment();
        device.relay().cut();
        outageTimer.schedule(device.relay()::restore, wallDuration.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until simulated time has reached the description's {@code duration} (or the simulator was closed).
     *
     * @return true when it has
     */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until the run has finished and every device's publishes are acknowledged.
     *
     * @return true when both happened within {@code timeout}
     */
    public boolean awaitAllAcknowledged(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        while (System.nanoTime() < deadline) {
            if (devices.values().stream().allMatch(d -> d.refused().get() || d.client().pendingPublishes() == 0)) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return false;
    }

    /** @return the simulated time now */
    public Instant simulatedTime() {
        return clock.now();
    }

    /** @return the state of a machine, or {@code null} for an id that is not a machine of this run */
    public MachineState machineState(String deviceId) {
        for (SimulatedMachine machine : machines) {
            if (machine.device().deviceId().equals(deviceId)) {
                return machine.state();
            }
        }
        return null;
    }

    /** @return the run's totals so far; may be called from any thread */
    public Totals totals() {
        Map<DataStream, Long> byStream = new LinkedHashMap<>();
        counters.acknowledgedByStream.forEach((stream, adder) -> byStream.put(stream, adder.sum()));
        long pending = 0;
        for (Device device : devices.values()) {
            pending += device.client().pendingPublishes();
        }
        return new Totals(devices.size(), counters.connected.get(), counters.published.sum(),
                counters.acknowledged.sum(), counters.refused.sum(), pending, Map.copyOf(byStream),
                counters.commandsSent.sum(), counters.commandsAccepted.sum(), counters.commandsRefused.sum(),
                counters.commandsUnanswered.sum(), counters.commandsObeyed.sum(), counters.batchesStarted.sum(),
                counters.batchesCompleted.sum(), counters.holds.sum(), counters.releases.sum(),
                counters.alertsSeenByHmi.sum(), counters.outages.sum(), clock.now());
    }

    /**
     * Totals of a run.
     *
     * @param devices              machines and HMIs
     * @param connected            devices logged in now
     * @param published            confirmed publishes handed to the SDK (readings, events, batch records)
     * @param acknowledged         of those, acknowledged by the gateway
     * @param refused              of those, refused for good (never expected; logged)
     * @param pending              waiting for an acknowledgement now, in the devices' offline stores
     * @param acknowledgedByStream acknowledged publishes per JetStream stream
     * @param commandsSent         commands the HMIs sent
     * @param commandsAccepted     answered and accepted
     * @param commandsRefused      answered and refused (e.g. a start during a fault)
     * @param commandsUnanswered   not answered in time (a machine cut off by an outage)
     * @param commandsObeyed       commands the machines carried out
     * @param batchesStarted       {@code batch.*.start} published
     * @param batchesCompleted     {@code batch.*.complete} published
     * @param holds                {@code batch.*.hold} published
     * @param releases             {@code batch.*.release} published
     * @param alertsSeenByHmi      alerts the HMIs received on their subscriptions
     * @param outages              network outages played
     * @param simulatedTime        simulated time now
     */
    public record Totals(int devices, int connected, long published, long acknowledged, long refused, long pending,
                         Map<DataStream, Long> acknowledgedByStream, long commandsSent, long commandsAccepted,
                         long commandsRefused, long commandsUnanswered, long commandsObeyed, long batchesStarted,
                         long batchesCompleted, long holds, long releases, long alertsSeenByHmi, long outages,
                         Instant simulatedTime) {
    }

    /**
     * Stops simulated time, closes every device's connection (what is unacknowledged stays in its offline store for
     * the next run) and releases threads and files. Idempotent.
     */
    @Override
    public void close() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        loopThread.interrupt();
        try {
            loopThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Device device : devices.values()) {
            device.client().close();
            device.relay().close();
            if (device.store() != null) {
                device.store().close();
            }
        }
        outageTimer.shutdownNow();
        relayThreads.shutdownNow();
        resources.close();
        finished.countDown();
        Totals totals = totals();
        LOG.info("Line simulator stopped: published {}, acknowledged {}, refused {}, pending {}", totals.published(),
                totals.acknowledged(), totals.refused(), totals.pending());
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
