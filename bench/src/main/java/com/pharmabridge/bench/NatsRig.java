package com.pharmabridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.gateway.natsserver.NatsServerProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private nats-server for one benchmark run: the client port the gateway and jnats use, its own WebSocket listener
 * (the native baseline), the monitoring port whose {@code in_msgs} counts what reached NATS, and a file-backed
 * JetStream store.
 */
final class NatsRig implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final int port;
    final int wsPort;
    final int monitorPort;
    final Path dir;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private NatsRig(int port, int wsPort, int monitorPort, Path dir, Process process) {
        this.port = port;
        this.wsPort = wsPort;
        this.monitorPort = monitorPort;
        this.dir = dir;
        this.process = process;
    }

    static NatsRig start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = NatsServerProcess.freePort();
        int wsPort = NatsServerProcess.freePort();
        int monitorPort = NatsServerProcess.freePort();
        Path config = dir.resolve("nats-server.conf");
        Files.writeString(config, String.join("\n",
                "listen: \"127.0.0.1:" + port + "\"",
                "http: \"127.0.0.1:" + monitorPort + "\"",
                "max_connections: 250000",
                "jetstream {",
                "  store_dir: \"" + dir.resolve("js").toAbsolutePath() + "\"",
                "  max_file_store: 20GB",
                "  max_memory_store: 1GB",
                "}",
                "websocket {",
                "  listen: \"127.0.0.1:" + wsPort + "\"",
                "  no_tls: true",
                "}",
                ""));
        List<String> command = new ArrayList<>(List.of(NatsServerProcess.findBinary().toString(), "-c",
                config.toAbsolutePath().toString(), "-l", dir.resolve("nats-server.log").toAbsolutePath().toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("nats-server.out").toFile())).start();
        NatsRig rig = new NatsRig(port, wsPort, monitorPort, dir, process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("nats-server exited with " + process.exitValue() + "; see " + dir);
            }
            try {
                rig.varz();
                return rig;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    rig.close();
                    throw new IOException("nats-server did not start within 15 s; see " + dir);
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    URI wsUri() {
        return URI.create("ws://127.0.0.1:" + wsPort + "/");
    }

    long pid() {
        return process.pid();
    }

    JsonNode varz() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + monitorPort + "/varz")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /** Messages the server has received from all its clients (WebSocket ones included). */
    long inMsgs() throws IOException, InterruptedException {
        return varz().path("in_msgs").asLong();
    }

    long connections() throws IOException, InterruptedException {
        return varz().path("connections").asLong();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
