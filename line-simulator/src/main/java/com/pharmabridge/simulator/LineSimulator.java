package com.pharmabridge.simulator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A simulated packaging line: every {@link SimulatedDevice} connects to the gateway over its own WebSocket, logs in
 * and publishes realistic readings of its machine at {@link SimulationOptions#messagesPerSecondPerDevice()}, until
 * {@link #close()}. Devices reconnect on their own when the gateway goes away (back-off 1 s doubling to 30 s, ±25%
 * jitter) and send unacknowledged messages again with the same correlation id.
 * <p>
 * All devices share a few threads: a small scheduler for publishing and reconnecting, and a small pool for the
 * WebSocket callbacks. The counters are totals over all devices and may be read at any time from any thread.
 */
public final class LineSimulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LineSimulator.class);
    // Each machine aborts its socket after CLOSE_TIMEOUT by itself; the margin only covers scheduling delays.
    private static final long CLOSE_WAIT_MILLIS = SimulatedMachine.CLOSE_TIMEOUT.toMillis() + 1000;

    private final List<SimulatedMachine> machines;
    private final SimulatorCounters counters;
    private final ScheduledExecutorService scheduler;
    private boolean closed; // guarded by this

    private LineSimulator(List<SimulatedMachine> machines, SimulatorCounters counters,
                          ScheduledExecutorService scheduler) {
        this.machines = machines;
        this.counters = counters;
        this.scheduler = scheduler;
    }

    /**
     * Starts all devices and returns at once; they connect in the background.
     *
     * @param gatewayWs the gateway's WebSocket endpoint, e.g. {@code ws://localhost:8080/ws}
     * @param devices   the machines of the line; device ids must be distinct (a second login of an id would
     *                  replace the first session at the gateway)
     * @param options   publish rate, batch id and seed
     * @throws IllegalArgumentException when the URI is not ws/wss or device ids repeat
     */
    public static LineSimulator start(URI gatewayWs, List<SimulatedDevice> devices, SimulationOptions options) {
        Objects.requireNonNull(gatewayWs, "gatewayWs");
        Objects.requireNonNull(options, "options");
        String scheme = gatewayWs.getScheme();
        if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("Expected a ws:// or wss:// URI: " + gatewayWs);
        }
        Set<String> ids = new HashSet<>();
        for (SimulatedDevice device : devices) {
            if (!ids.add(Objects.requireNonNull(device, "device").deviceId())) {
                throw new IllegalArgumentException("Device id used twice: " + device.deviceId());
            }
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(Math.max(1, Math.min(4, cpus)),
                daemonThreads("line-sim-scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        HttpClient http = HttpClient.newBuilder()
                .executor(socketCallbackPool(Math.max(2, Math.min(4, cpus))))
                .connectTimeout(DeviceConnection.CONNECT_TIMEOUT)
                .build();
        SimulatorCounters counters = new SimulatorCounters();
        Clock clock = Clock.systemUTC();
        List<SimulatedMachine> machines = new ArrayList<>(devices.size());
        for (SimulatedDevice device : devices) {
            machines.add(new SimulatedMachine(device, options, gatewayWs, http, scheduler, counters, clock));
        }
        LineSimulator simulator = new LineSimulator(List.copyOf(machines), counters, scheduler);
        machines.forEach(SimulatedMachine::start);
        LOG.info("Line simulator started: {} device(s) at {} msg/s each, batch {}, seed {}, gateway {}",
                machines.size(), options.messagesPerSecondPerDevice(), options.batchId(), options.seed(), gatewayWs);
        return simulator;
    }

    /** @return devices logged in to the gateway right now */
    public int connectedDevices() {
        return counters.connected.get();
    }

    /** @return Publish messages sent so far, over all devices; a re-sent message counts again */
    public long published() {
        return counters.published.sum();
    }

    /** @return Acks (type 6) received for publishes, over all devices */
    public long acknowledged() {
        return counters.acknowledged.sum();
    }

    /** @return Errors (type 7) received, over all devices */
    public long refused() {
        return counters.refused.sum();
    }

    /** Unacked messages given up because a device's pending buffer was full; for diagnostics. */
    long dropped() {
        return counters.dropped.sum();
    }

    /**
     * Stops all devices: no more publishing or reconnecting, and each connection is closed with 1000 after what it
     * was sending. Waits a few seconds at most for the gateway to confirm the closes. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<CompletableFuture<Void>> stops = new ArrayList<>(machines.size());
        machines.forEach(machine -> stops.add(machine.stop()));
        try {
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
                    .get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Not every device closed cleanly: {}", e.toString());
        }
        scheduler.shutdownNow();
        // The socket callback pool is not shut down: the JDK client may still hand it work for the closed sockets.
        // Its threads are daemons that end when idle.
        LOG.info("Line simulator stopped: published {}, acknowledged {}, refused {}", published(), acknowledged(),
                refused());
    }

    private static ThreadPoolExecutor socketCallbackPool(int threads) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 5, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads("line-sim-ws"));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
