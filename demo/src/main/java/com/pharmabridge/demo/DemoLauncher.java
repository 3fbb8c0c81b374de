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
import java.util.concurrent.CountDownLatch;
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
        // The status line shares the terminal with the logs: keep them to warnings unless asked (LOG_LEVEL=INFO).
        if (System.getenv("LOG_LEVEL") == null && System.getProperty("LOG_LEVEL") == null) {
            System.setProperty("LOG_LEVEL", "WARN");
        }
        System.exit(new CommandLine(new DemoLauncher()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(dataDir);
        NatsServerProcess nats = null;
        String url = natsUrl;
        if (url == null) {
            nats = NatsServerProcess.start(dataDir.resolve("nats"));
            url = nats.url();
            System.out.println("nats-server (JetStream) started on " + url + ", store " + dataDir.resolve("nats"));
        }
        Path registryFile = dataDir.resolve("devices.yaml");
        DemoLine.Result line = DemoLine.register(DemoLine.deviceTypes(), "chicago", lines);
        line.registry().save(registryFile);

        Map<String, String> overrides = new HashMap<>(System.getenv());
        overrides.put("NATS_URL", url);
        overrides.put("GATEWAY_PORT", Integer.toString(port));
        overrides.put("DEVICES_REGISTRY_FILE", registryFile.toString());
        GatewayConfig config = ConfigLoader.load(null, overrides);
        GatewayServer gateway = GatewayServer.start(config);
        long readyDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!gateway.bridge().isReady() && System.nanoTime() < readyDeadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        URI ws = URI.create("ws://127.0.0.1:" + gateway.port() + "/ws");
        System.out.println("Gateway on " + ws + "  (health: http://127.0.0.1:" + gateway.port()
                + "/ready, devices: /devices, metrics: /metrics)");
        System.out.println("Simulating " + line.devices().size() + " machines on " + lines + " line(s); Ctrl-C to stop.");
        LineSimulator simulator = LineSimulator.start(ws, line.devices(), new SimulationOptions(rate, batchId, 42L));

        CountDownLatch stopped = new CountDownLatch(1);
        NatsServerProcess privateNats = nats;
        Thread shutdown = new Thread(() -> {
            simulator.close();
            gateway.close();
            if (privateNats != null) {
                privateNats.close();
            }
            stopped.countDown();
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);

        try (LiveSummary summary = new LiveSummary(url, simulator, line.devices().size())) {
            long end = durationSeconds == null ? Long.MAX_VALUE
                    : System.nanoTime() + Duration.ofSeconds(durationSeconds).toNanos();
            while (System.nanoTime() < end && stopped.getCount() > 0) {
                summary.print();
                stopped.await(1, TimeUnit.SECONDS);
            }
            summary.printFinal();
        }
        if (stopped.getCount() > 0) {
            Runtime.getRuntime().removeShutdownHook(shutdown);
            shutdown.run();
        }
        return 0;
    }
}
