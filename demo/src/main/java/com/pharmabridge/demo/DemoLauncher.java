package com.pharmabridge.demo;

import com.pharmabridge.gateway.GatewayServer;
import com.pharmabridge.gateway.config.ConfigLoader;
import com.pharmabridge.gateway.config.GatewayConfig;
import com.pharmabridge.gateway.natsserver.NatsServerProcess;
import com.pharmabridge.simulator.LineSimulator;
import com.pharmabridge.simulator.SimulationOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The README's run command: a private nats-server with JetStream (unless a NATS URL is given), the gateway, demo
 * devices in a fresh registry, and a simulated packaging line publishing through real WebSocket connections, with a
 * live one-line summary. Ctrl-C stops it all cleanly.
 */
@Command(name = "pharmabridge-demo", mixinStandardHelpOptions = true,
        description = "Run NATS, the gateway and a simulated packaging line together.")
public final class DemoLauncher implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "data/demo", description = "Data directory (NATS store, registry); default ${DEFAULT-VALUE}")
    Path dataDir;

    @Option(names = "--nats-url", description = "Use this NATS server instead of starting a private one")
    String natsUrl;

    @Option(names = "--port", defaultValue = "8080", description = "Gateway port; 0 picks a free one (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--lines", defaultValue = "1", description = "Packaging lines to simulate (default ${DEFAULT-VALUE})")
    int lines;

    @Option(names = "--rate", defaultValue = "5", description = "Messages per second per machine (default ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--duration", description = "Stop after this many seconds (default: run until Ctrl-C)")
    Long durationSeconds;

    @Option(names = "--batch", defaultValue = "B2026-0001", description = "Batch id stamped on the line's data")
    String batchId;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new DemoLauncher());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalStateException || e instanceof com.pharmabridge.gateway.config.ConfigException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        // The status line shares the terminal with the logs: keep them to warnings unless asked (LOG_LEVEL=INFO).
        if (System.getenv("LOG_LEVEL") == null && System.getProperty("LOG_LEVEL") == null) {
            System.setProperty("LOG_LEVEL", "WARN");
        }
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(dataDir);
        Path registryFile = dataDir.resolve("devices.yaml");
        DemoLine.Result line = DemoLine.register(DemoLine.deviceTypes(), "chicago", lines);
        Map<String, String> overrides = new HashMap<>(System.getenv());
        overrides.putIfAbsent("GATEWAY_HOST", "127.0.0.1"); // a demo has no business on other interfaces
        overrides.put("GATEWAY_PORT", Integer.toString(port));
        overrides.put("DEVICES_REGISTRY_FILE", registryFile.toString());
        overrides.put("NATS_URL", natsUrl == null ? "nats://127.0.0.1:4222" : natsUrl);
        ConfigLoader.load(null, overrides); // a wrong setting stops us before anything is started

        Stoppables running = new Stoppables();
        Thread shutdown = new Thread(running::stopAll, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        try {
            String url = natsUrl;
            if (url == null) {
                NatsServerProcess nats = running.add(NatsServerProcess.start(dataDir.resolve("nats")));
                url = nats.url();
                System.out.println("nats-server (JetStream) started on " + url + ", store " + dataDir.resolve("nats"));
            }
            line.registry().save(registryFile);
            overrides.put("NATS_URL", url);
            GatewayConfig config = ConfigLoader.load(null, overrides);
            GatewayServer gateway = running.add(GatewayServer.start(config));
            long readyDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!gateway.bridge().isReady() && System.nanoTime() < readyDeadline) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            URI ws = URI.create("ws://127.0.0.1:" + gateway.port() + "/ws");
            System.out.println("Gateway on " + ws + "  (health: http://127.0.0.1:" + gateway.port()
                    + "/ready, devices: /devices, metrics: /metrics)");
            System.out.println("Simulating " + line.devices().size() + " machines on " + lines
                    + " line(s); Ctrl-C to stop.");
            LineSimulator simulator = running.add(LineSimulator.start(ws, line.devices(),
                    new SimulationOptions(rate, batchId, 42L)));
            LiveSummary summary = running.add(new LiveSummary(url, simulator, line.devices().size()));
            long end = durationSeconds == null ? Long.MAX_VALUE
                    : System.nanoTime() + Duration.ofSeconds(durationSeconds).toNanos();
            while (System.nanoTime() < end && !running.stopped()) {
                summary.print();
                TimeUnit.SECONDS.sleep(1);
            }
        } finally {
            running.stopAll();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdown);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running: it does the same
            }
        }
        return 0;
    }
}
