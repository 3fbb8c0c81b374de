package com.pharmabridge.bench;

import com.pharmabridge.gateway.natsserver.NatsServerProcess;
import com.pharmabridge.gateway.policy.DeviceLimits;
import com.pharmabridge.gateway.registry.DeviceRecord;
import com.pharmabridge.gateway.registry.DeviceRegistry;
import com.pharmabridge.gateway.registry.DeviceType;
import com.pharmabridge.gateway.registry.TokenHasher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The gateway under test, in a JVM of its own started from this class path with a config file, and its device
 * registry: devices {@code d0 … d(n-1)} of type {@code bench}, which may publish under {@code factory.bench.>} and
 * {@code telemetry.bench.>} and subscribe under {@code factory.bench.>} and {@code fanout.bench.>}. Every check of a
 * production gateway applies (token, permissions, subject rules, JSON Schema of every payload, rate buckets); only the
 * limits are set high enough that a benchmark device is never refused: the message rate per device and the new
 * connections per host (all benchmark devices come from a handful of loopback addresses).
 */
final class GatewayRig implements AutoCloseable {
    static final String TYPE = "bench";

    final int port;
    final Path dir;
    final String[] tokens;
    private final Process process;
    private final PrintStream commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

    private GatewayRig(int port, Path dir, String[] tokens, Process process) {
        this.port = port;
        this.dir = dir;
        this.tokens = tokens;
        this.process = process;
        this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    answers.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "gateway-child-out");
        reader.setDaemon(true);
        reader.start();
    }

    static String deviceId(int i) {
        return "d" + i;
    }

    static GatewayRig start(Path dir, String natsUrl, int devices, List<String> jvmOptions)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String[] tokens = writeRegistry(dir.resolve("devices.yaml"), devices);
        int port = NatsServerProcess.freePort();
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, config(port, natsUrl, dir.resolve("devices.yaml")));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), GatewayChild.class.getName(),
                config.toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("gateway.log").toFile()));
        // As the demo runs it: warnings only. At INFO every login and logout is a log line.
        builder.environment().put("LOG_LEVEL", System.getProperty("bench.gatewayLogLevel", "WARN"));
        Process process = builder.start();
        GatewayRig rig = new GatewayRig(port, dir, tokens, process);
        String ready = rig.answers.poll(60, TimeUnit.SECONDS);
        while (ready != null && !ready.startsWith("READY")) { // the JVM may print first (JFR, warnings)
            ready = rig.answers.poll(60, TimeUnit.SECONDS);
        }
        if (ready == null || !ready.startsWith("READY") || !ready.endsWith("true")) {
            rig.close();
            throw new IOException("Gateway did not become ready (" + ready + "); see " + dir.resolve("gateway.log"));
        }
        return rig;
    }

    /** The configuration the benchmark gateway runs with; written next to the results so it can be read. */
    static String config(int port, String natsUrl, Path registry) {
        return String.join("\n",
                "# PharmaBridge gateway as the benchmark runs it. Everything not named here is the shipped default",
                "# (payload validation on with the shipped schemas, audit trail on, 2 event loops on 2 cores).",
                "gateway:",
                "  id: gw-bench",
                "  host: 127.0.0.1",
                "  port: " + port,
                "  maxConnections: 250000",
                "  newConnectionsPerSecondPerHost: 1000000   # every benchmark device shares a few loopback hosts",
                "  newConnectionBurstPerHost: 1000000",
                "nats:",
                "  url: " + natsUrl,
                "jetStream:",
                "  streams:                 # factory.> stays core NATS (ingest); telemetry.> is stored (acked ingest)",
                "    - {name: TELEMETRY, subjects: [\"telemetry.>\"], maxAge: 1d, storage: file, denyDelete: false, denyPurge: false}",
                "    - {name: BATCHES, subjects: [\"batch.>\"], maxAge: 1d, storage: file, denyDelete: false, denyPurge: false}",
                "    - {name: AUDIT, subjects: [\"audit.>\"], maxAge: 1d, storage: file, denyDelete: false, denyPurge: false}",
                "devices:",
                "  registryFile: " + registry.toAbsolutePath(),
                "  reloadIntervalSeconds: 3600",
                "");
    }

    /** Writes n devices with known tokens (stored hashed, as the CLI does); @return the tokens by index */
    private static String[] writeRegistry(Path file, int n) {
        Map<String, DeviceType> types = new LinkedHashMap<>();
        // The rate limit stays on (every message takes a token); it is set above what one benchmark device sends.
        types.put(TYPE, new DeviceType(TYPE, List.of("factory.bench.>", "telemetry.bench.>"),
                List.of("factory.bench.>", "fanout.bench.>"), List.of(),
                new DeviceLimits(10_000_000, 10_000_000, null, null, 100_000, null)));
        Map<String, DeviceRecord> devices = new LinkedHashMap<>();
        String[] tokens = new String[n];
        String created = java.time.Instant.now().toString();
        for (int i = 0; i < n; i++) {
            tokens[i] = TokenHasher.newToken();
            devices.put(deviceId(i), new DeviceRecord(deviceId(i), TYPE, Map.of("plant", "bench", "line", "l" + (i % 10)),
                    TokenHasher.hash(tokens[i]), List.of(), List.of(), List.of(), false, created));
        }
        new DeviceRegistry(types, devices).save(file);
        return tokens;
    }

    URI wsUri() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    long pid() {
        return process.pid();
    }

    /** Full GC in the gateway, then its heap in use (bytes). */
    synchronized long heapAfterGc() throws InterruptedException {
        answers.clear();
        commands.println("heap");
        String answer = answers.poll(60, TimeUnit.SECONDS);
        if (answer == null || !answer.startsWith("HEAP ")) {
            throw new IllegalStateException("Gateway did not report its heap: " + answer);
        }
        return Long.parseLong(answer.split(" ")[1]);
    }

    synchronized int sessions() throws InterruptedException {
        answers.clear();
        commands.println("sessions");
        String answer = answers.poll(30, TimeUnit.SECONDS);
        if (answer == null || !answer.startsWith("SESSIONS ")) {
            throw new IllegalStateException("Gateway did not report its sessions: " + answer);
        }
        return Integer.parseInt(answer.split(" ")[1]);
    }

    @Override
    public void close() {
        try {
            commands.println("quit");
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
