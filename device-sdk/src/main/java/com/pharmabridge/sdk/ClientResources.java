package com.pharmabridge.sdk;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads that many {@link DeviceClient}s in one process share, so that a line simulator or an edge box running
 * hundreds of devices needs a handful of threads rather than two or more per device.
 *
 * <pre>{@code
 * ClientResources shared = ClientResources.create("line-sim", 2);
 * DeviceClient a = DeviceClient.connect(DeviceClientOptions.builder()...resources(shared).build());
 * DeviceClient b = DeviceClient.connect(DeviceClientOptions.builder()...resources(shared).build());
 * ...
 * a.close();
 * b.close();
 * shared.close();
 * }</pre>
 *
 * <p>What is shared: one daemon {@link ScheduledExecutorService} with {@code schedulerThreads} threads (heartbeats,
 * reconnect back-off, retries, request timeouts, journal expiry of every client), and one JDK {@link HttpClient} per
 * {@link SSLContext} (the JDK default context for {@code null}), each holding one selector thread of its own and
 * running its callbacks on one small shared daemon pool ({@value #DEFAULT_IO_THREADS_MIN} to
 * {@value #DEFAULT_IO_THREADS_MAX} threads, by the number of processors). Received messages, and so
 * {@link MessageHandler}s and {@link ConnectionListener}s, run on that pool: a handler that blocks holds up every
 * client sharing it, and a handler that waits for its own client's futures can deadlock it. Hand such work to an
 * executor of your own.
 *
 * <p>Lifetime: closing a client never shuts down shared resources; a client built without
 * {@link DeviceClientOptions.Builder#resources(ClientResources)} creates its own scheduler and HTTP client and shuts
 * them down when it closes, as before. Close the clients first, then this; {@link #close()} closes any client still
 * open (its pending publishes stay in its journal) and logs how many it found. Thread names start with the name
 * prefix ({@code line-sim-scheduler-1}, {@code line-sim-io-1}), which makes them easy to find in a thread dump.
 * Thread-safe.
 */
public final class ClientResources implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClientResources.class);
    /** Fewest threads of the shared pool that runs the HTTP clients' callbacks. */
    public static final int DEFAULT_IO_THREADS_MIN = 2;
    /** Most threads of the shared pool that runs the HTTP clients' callbacks. */
    public static final int DEFAULT_IO_THREADS_MAX = 4;
    /** Map key standing for the JDK's default SSL context ({@link ConcurrentHashMap} takes no null keys). */
    private static final Object DEFAULT_CONTEXT = new Object();

    private final String namePrefix;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ThreadPoolExecutor io;
    private final Map<Object, HttpClient> httpClients = new ConcurrentHashMap<>();
    private final Set<DeviceClient> clients = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private boolean closed; // guarded by lock

    private ClientResources(String namePrefix, int schedulerThreads, int ioThreads) {
        this.namePrefix = namePrefix;
        this.scheduler = new ScheduledThreadPoolExecutor(schedulerThreads, daemon(namePrefix + "-scheduler-"));
        // A client cancels its periodic tasks when it closes; without this they would stay queued until their time.
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.io = new ThreadPoolExecutor(ioThreads, ioThreads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemon(namePrefix + "-io-"));
        this.io.allowCoreThreadTimeOut(true); // an idle process keeps no I/O threads
    }

    /**
     * Creates shared resources.
     *
     * @param namePrefix       start of every thread's name, e.g. {@code "line-sim"}
     * @param schedulerThreads threads of the shared scheduler (at least 1); 1 or 2 serve hundreds of clients, since
     *                         its tasks are short
     * @return the resources; close them after the clients that use them
     * @throws IllegalArgumentException when the prefix is blank or {@code schedulerThreads < 1}
     */
    public static ClientResources create(String namePrefix, int schedulerThreads) {
        if (namePrefix == null || namePrefix.isBlank()) {
            throw new IllegalArgumentException("namePrefix must not be blank");
        }
        if (schedulerThreads < 1) {
            throw new IllegalArgumentException("schedulerThreads must be at least 1, got " + schedulerThreads);
        }
        int ioThreads = Math.max(DEFAULT_IO_THREADS_MIN,
                Math.min(DEFAULT_IO_THREADS_MAX, Runtime.getRuntime().availableProcessors()));
        return new ClientResources(namePrefix, schedulerThreads, ioThreads);
    }

    /** @return the prefix of the threads' names */
    public String namePrefix() {
        return namePrefix;
    }

    /** @return the shared scheduler; clients schedule on it, callers must not shut it down */
    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * @param sslContext the TLS context, or {@code null} for the JDK default
     * @return the HTTP client shared by every client with this context, created on first use
     */
    HttpClient httpClient(SSLContext sslContext) {
        synchronized (lock) {
            ensureOpen();
        }
        return httpClients.computeIfAbsent(sslContext == null ? DEFAULT_CONTEXT : sslContext, key -> {
            HttpClient.Builder builder = HttpClient.newBuilder().executor(io);
            if (sslContext != null) {
                builder.sslContext(sslContext);
            }
            return builder.build();
        });
    }

    /** @return how many HTTP clients (one per distinct SSL context) were created so far */
    int httpClientCount() {
        return httpClients.size();
    }

    /** Called by a client built with these resources; refused once they are closed. */
    void register(DeviceClient client) {
        synchronized (lock) {
            ensureOpen();
            clients.add(client);
        }
    }

    /** Called by a client that closed. */
    void unregister(DeviceClient client) {
        clients.remove(client);
    }

    /** @return how many clients built with these resources are still open */
    public int openClients() {
        return clients.size();
    }

    /** @return true once {@link #close()} was called */
    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /**
     * Closes any client still open, then stops the shared threads. Idempotent. The HTTP clients' selector threads end
     * when the JDK collects those clients.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<DeviceClient> open = new ArrayList<>(clients);
        if (!open.isEmpty()) {
            log.warn("closing client resources '{}' while {} client(s) still use them; closing those first",
                    namePrefix, open.size());
            open.forEach(DeviceClient::close);
        }
        scheduler.shutdownNow();
        io.shutdown(); // lets the last close frames go out
        httpClients.clear();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("client resources '" + namePrefix + "' are closed");
        }
    }

    private static ThreadFactory daemon(String prefix) {
        Objects.requireNonNull(prefix);
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
