package com.pharmabridge.gateway.natsserver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private nats-server with JetStream, run as a child process: for the zero-set-up run command and for tests. It can
 * be stopped and started again on the same port with the same store, as fault tests need.
 */
public final class NatsServerProcess implements AutoCloseable {
    private static final List<String> CANDIDATES = List.of("/usr/sbin/nats-server", "/usr/bin/nats-server",
            "/usr/local/bin/nats-server");

    private final Path binary;
    private final Path storeDir;
    private final int port;
    private final Path logFile;
    private Process process;

    private NatsServerProcess(Path binary, Path storeDir, int port) {
        this.binary = binary;
        this.storeDir = storeDir;
        this.port = port;
        this.logFile = storeDir.resolve("nats-server.log");
    }

    /** Starts a server on a free port with its JetStream store under {@code storeDir}. */
    public static NatsServerProcess start(Path storeDir) throws IOException {
        return start(storeDir, freePort());
    }

    public static NatsServerProcess start(Path storeDir, int port) throws IOException {
        Files.createDirectories(storeDir);
        NatsServerProcess server = new NatsServerProcess(findBinary(), storeDir, port);
        server.start();
        return server;
    }

    /** @return the nats-server executable, from PATH or Debian's location */
    public static Path findBinary() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, "nats-server"));
                }
            }
        }
        CANDIDATES.forEach(c -> candidates.add(Path.of(c)));
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("nats-server not found on PATH or in /usr/sbin. Install it with "
                + "'apt-get install nats-server' (Debian/Ubuntu) or give a NATS URL to use an existing server.");
    }

    private static final Path SETSID = Path.of("/usr/bin/setsid");
    /** How long the JVM's exit waits for the owner to stop this server before stopping it itself. */
    static final java.time.Duration ORDERLY_STOP_GRACE = java.time.Duration.ofSeconds(30);

    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>();
        // In a session of its own, Ctrl-C in the terminal reaches only the JVM, which then stops the gateway first
        // (its devices' last acks and the audit trail still need NATS) and this server last.
        if (Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        command.addAll(List.of(binary.toString(), "-a", "127.0.0.1", "-p", String.valueOf(port), "-js",
                "-sd", storeDir.toAbsolutePath().toString(), "-l", logFile.toAbsolutePath().toString()));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(storeDir.resolve("nats-server.out").toFile()))
                .start();
        // Whatever path the JVM leaves by, the private server must not outlive it and hold the store. Shutdown hooks
        // run together, so this one gives the owner's orderly stop time to finish first.
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (!started.waitFor(ORDERLY_STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    started.destroy();
                }
            } catch (InterruptedException e) {
                started.destroy();
            }
        }, "stop-private-nats"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("nats-server exited with " + process.exitValue() + "; see " + logFile);
            }
            if (accepts()) {
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while starting nats-server", e);
            }
        }
        stop();
        throw new IOException("nats-server did not listen on port " + port + " within 15 s; see " + logFile);
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s); its store stays for a restart. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public int port() {
        return port;
    }

    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    public Path storeDir() {
        return storeDir;
    }

    @Override
    public void close() {
        stop();
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
