package com.pharmabridge.gateway.testing;

import com.pharmabridge.gateway.natsserver.NatsServerProcess;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nats-server started from a configuration file (authorization, max_payload, ...) with JetStream and the
 * monitoring port, which can be paused with SIGSTOP (a server that accepts bytes but never answers), resumed, stopped
 * and started again on the same port and store.
 */
public final class ConfiguredNats implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final int monitorPort;
    private String extraConfig;
    private Process process;

    private ConfiguredNats(Path dir, int port, int monitorPort, String extraConfig) {
        this.dir = dir;
        this.port = port;
        this.monitorPort = monitorPort;
        this.extraConfig = extraConfig;
    }

    /** @param extraConfig nats-server configuration lines (e.g. an {@code authorization} block), may be empty */
    public static ConfiguredNats start(String extraConfig) throws IOException {
        for (int attempt = 1; ; attempt++) {
            ConfiguredNats nats = new ConfiguredNats(Files.createTempDirectory("pharmabridge-cnats-"),
                    NatsServerProcess.freePort(), NatsServerProcess.freePort(), extraConfig);
            try {
                nats.start();
                return nats;
            } catch (IOException e) {
                // A port found free can be taken (by another test's outgoing connection) before nats-server binds it.
                Path log = nats.dir.resolve("nats-server.log");
                boolean portTaken = Files.exists(log) && Files.readString(log).contains("address already in use");
                if (!portTaken || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        Path config = writeConfig();
        process = new ProcessBuilder(List.of(NatsServerProcess.findBinary().toString(), "-c", config.toString(),
                "-l", dir.resolve("nats-server.log").toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("nats-server.out").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("nats-server exited with " + process.exitValue() + "; see " + dir);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(25);
            }
        }
        throw new IOException("nats-server did not listen within 15 s; see " + dir);
    }

    /** nats://127.0.0.1:port, with {@code userInfo@} when given. */
    public String url(String userInfo) {
        return "nats://" + (userInfo == null ? "" : userInfo + "@") + "127.0.0.1:" + port;
    }

    public String url() {
        return url(null);
    }

    /** SIGSTOP: the socket stays open, the kernel still buffers what the gateway writes, nothing is answered. */
    public void pause() throws Exception {
        signal("-STOP");
        // Stopped once every thread is: until then the server may still answer what is already in its socket.
        Path tasks = Path.of("/proc/" + process.pid() + "/task");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            boolean allStopped;
            try (var threads = Files.list(tasks)) {
                allStopped = threads.allMatch(t -> {
                    try {
                        return Files.readString(t.resolve("stat")).replaceFirst("^.*\\) ", "").startsWith("T");
                    } catch (IOException gone) {
                        return true;
                    }
                });
            }
            if (allStopped) {
                return;
            }
            sleep(5);
        }
        throw new IOException("nats-server did not stop on SIGSTOP");
    }

    private Path writeConfig() throws IOException {
        Path config = dir.resolve("nats.conf");
        Files.writeString(config, "listen: \"127.0.0.1:" + port + "\"\n"
                + "http: \"127.0.0.1:" + monitorPort + "\"\n"
                + "jetstream { store_dir: \"" + dir.resolve("store") + "\" }\n"
                + extraConfig + "\n");
        return config;
    }

    /** Rewrites the configuration with other extra lines and has the running server reload it (SIGHUP). */
    public synchronized void reload(String newExtraConfig) throws Exception {
        extraConfig = newExtraConfig;
        writeConfig();
        signal("-HUP");
    }

    public void resume() throws Exception {
        signal("-CONT");
    }

    private void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill " + signal + " failed");
        }
    }

    /** The monitoring endpoint's answer, e.g. {@code /connz}. */
    public String monitor(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + monitorPort + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** SIGKILL (works on a paused server too): the connection drops without any goodbye. */
    public synchronized void crash() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    public synchronized void stop() {
        if (process == null) {
            return;
        }
        try {
            signal("-CONT"); // a paused server would not act on SIGTERM
        } catch (Exception ignored) {
            // it may be gone already
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

    @Override
    public void close() {
        stop();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
