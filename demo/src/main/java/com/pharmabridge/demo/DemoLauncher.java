package com.pharmabridge.demo;

import com.pharmabridge.gateway.GatewayServer;
import com.pharmabridge.gateway.config.ConfigLoader;
import com.pharmabridge.gateway.config.GatewayConfig;
import com.pharmabridge.gateway.natsserver.NatsServerProcess;
import com.pharmabridge.gateway.registry.DeviceRegistry;
import com.pharmabridge.historian.HistorianConfig;
import com.pharmabridge.historian.ingest.Historian;
import com.pharmabridge.historian.postgres.LocalPostgres;
import com.pharmabridge.historian.store.Database;
import com.pharmabridge.simulator.LineSimulator;
import com.pharmabridge.simulator.LineDescription;
import com.pharmabridge.simulator.LineDescriptionLoader;
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

    @Option(names = "--line", description = "Line description (YAML) to simulate; default: one line of four machines "
            + "and an HMI per --lines (see line-simulator/src/main/resources/lines/example.yaml)")
    Path lineFile;

    @Option(names = "--lines", defaultValue = "1", description = "Lines of the default description (default ${DEFAULT-VALUE})")
    int lines;

    @Option(names = "--speed", description = "Simulated seconds per real second, or max (default: the description's, "
            + "1 for the default line)")
    String speed;

    @Option(names = "--historian", description = "Also run the historian (embedded PostgreSQL in DATA/historian) and "
            + "write each completed batch's report (JSON and HTML) to DATA/reports")
    boolean historian;

    @Option(names = "--duration", description = "Stop after this many real seconds (default: when the description's "
            + "duration is simulated, or Ctrl-C)")
    Long durationSeconds;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new DemoLauncher());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalStateException || e instanceof IllegalArgumentException
                    || e instanceof com.pharmabridge.gateway.config.ConfigException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        // The status line shares the terminal with the logs: keep them to warnings unless asked (LOG_LEVEL=INFO).
        if (System.getenv("LOG_LEVEL") == null && System.getProperty("LOG_LEVEL") == null) {
            System.setProperty("LOG_LEVEL", "WARN");
        }
        // A person reads this terminal: plain lines rather than the services' JSON (LOG_FORMAT=json for those).
        if (System.getenv("LOG_FORMAT") == null && System.getProperty("LOG_FORMAT") == null) {
            System.setProperty("LOG_FORMAT", "text");
        }
        System.exit(cli.execute(args));
    }

    private LineDescription description() {
        LineDescription base = lineFile != null ? LineDescriptionLoader.load(lineFile)
                : LineDescription.standard("chicago", lines, 1, 42);
        if (speed == null) {
            return base;
        }
        double chosen;
        if ("max".equalsIgnoreCase(speed)) {
            chosen = Double.POSITIVE_INFINITY;
        } else {
            try {
                chosen = Double.parseDouble(speed);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--speed: expected a number above 0 or max, got " + speed);
            }
        }
        return new LineDescription(base.seed(), chosen, base.duration(), base.start(), base.offlineStore(),
                base.plants(), base.outages());
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(dataDir);
        if (lines < 1) {
            throw new IllegalArgumentException("--lines: at least 1");
        }
        if (durationSeconds != null && durationSeconds <= 0) {
            throw new IllegalArgumentException("--duration: a number of real seconds above 0");
        }
        Path registryFile = dataDir.resolve("devices.yaml");
        LineDescription description = description();
        DataDirLock lock = DataDirLock.acquire(dataDir); // two demos on one store would corrupt each other's state
        DemoLine.Result line = DemoLine.register(DemoLine.deviceTypes(), description,
                java.nio.file.Files.exists(registryFile) ? DeviceRegistry.load(registryFile) : DeviceRegistry.empty());
        if (line.keptDevices() > 0) {
            System.out.println("Kept " + line.keptDevices() + " device(s) of your own from " + registryFile);
        }
        Map<String, String> overrides = new HashMap<>(System.getenv());
        overrides.putIfAbsent("GATEWAY_HOST", "127.0.0.1"); // a demo has no business on other interfaces
        overrides.put("GATEWAY_PORT", Integer.toString(port));
        overrides.put("DEVICES_REGISTRY_FILE", registryFile.toString());
        overrides.put("NATS_URL", natsUrl == null ? "nats://127.0.0.1:4222" : natsUrl);
        if (!overrides.containsKey("AUDIT_SIGNING_KEY_FILE")) {
            overrides.put("AUDIT_SIGNING_KEY_FILE", DemoAuditKey.ensure(dataDir.resolve("audit")).toString());
        }
        ConfigLoader.load(null, overrides); // a wrong setting stops us before anything is started

        Stoppables running = new Stoppables();
        running.add(lock);
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
            System.out.println("Simulating " + description.deviceIds().size() + " devices on "
                    + description.lines().size() + " line(s) at speed "
                    + (description.asFastAsPossible() ? "max" : description.speed())
                    + (description.duration() == null ? "" : " for " + description.duration() + " simulated")
                    + "; offline stores in " + dataDir.resolve("offline") + "; Ctrl-C to stop.");
            BatchReports reports = null;
            if (historian) {
                LocalPostgres postgres = running.add(LocalPostgres.start(dataDir.resolve("historian"), 0));
                Database db = Database.owned(postgres.jdbcUrl(), LocalPostgres.SUPERUSER, postgres.superuserPassword(),
                        postgres.writerPassword());
                HistorianConfig historianConfig = HistorianConfig.defaults(url);
                Historian keeper = running.add(Historian.start(historianConfig, db));
                reports = running.add(new BatchReports(db, dataDir.resolve("reports"), keeper, historianConfig));
                System.out.println("Historian keeping every stream in PostgreSQL (" + postgres.jdbcUrl()
                        + "); batch reports go to " + dataDir.resolve("reports"));
            }
            // Added before the simulator, so closed after it: the final line counts what the devices left stored.
            LiveSummary summary = running.add(new LiveSummary(url));
            LineSimulator simulator = running.add(LineSimulator.start(ws, description, line.tokens(), dataDir));
            summary.follow(simulator);
            long end = durationSeconds == null ? Long.MAX_VALUE
                    : System.nanoTime() + Duration.ofSeconds(durationSeconds).toNanos();
            while (System.nanoTime() < end && !running.stopped()) {
                summary.print();
                if (reports != null && reports.writeDue(false) > 0) {
                    summary.reportsWritten(reports.written());
                }
                if (simulator.awaitAllAcknowledged(Duration.ofSeconds(1))) {
                    if (!running.stopped()) { // not when Ctrl-C ended the run
                        System.out.println();
                        System.out.println("Simulated " + description.duration() + "; every message acknowledged.");
                    }
                    break;
                }
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
