package com.pharmabridge.bench;

import com.pharmabridge.bench.Device.Side;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code java -jar pharmabridge-bench.jar run|jmh|jfr-summary}: every figure of BENCHMARKS.md from one command. */
@Command(name = "pharmabridge-bench", mixinStandardHelpOptions = true,
        subcommands = {BenchCli.Run.class, BenchCli.Jmh.class, JfrSummary.class},
        description = "Benchmarks of the PharmaBridge gateway against nats-server's own WebSocket listener.")
public final class BenchCli {
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCli()).execute(args));
    }

    /** Runs the scenarios, each on both sides in alternating rounds, and writes the results. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Side-by-side scenarios: gateway vs native nats-server WebSocket (and vs direct jnats).")
    public static final class Run implements Callable<Integer> {
        @Option(names = "--scenarios", split = ",", defaultValue = "ingest,acked,delivery,latency,connections",
                description = "Which scenarios (default: ${DEFAULT-VALUE}).")
        List<String> scenarios;

        @Option(names = "--rounds", defaultValue = "2", description = "Alternating rounds per scenario.")
        int rounds;

        @Option(names = "--sides", split = ",", defaultValue = "NATIVE,GATEWAY",
                description = "Which sides to measure (GATEWAY alone for quick before/after comparisons of the gateway).")
        List<Side> sides;

        @Option(names = "--duration", defaultValue = "10", description = "Measured seconds per trial.")
        double duration;

        @Option(names = "--warmup", defaultValue = "3", description = "Seconds before measuring.")
        double warmup;

        @Option(names = "--ingest", split = ",", defaultValue = "100x1,1000x1,100x8,1000x8",
                description = "Ingest configurations: connections x frames per write.")
        List<String> ingest;

        @Option(names = "--acked", defaultValue = "100x10", description = "Acked ingest: devices x in-flight each.")
        String acked;

        @Option(names = "--delivery", split = ",", defaultValue = "100", description = "Subscribed devices.")
        List<Integer> delivery;

        @Option(names = "--latency", defaultValue = "1000x10000", description = "Latency: devices x msgs/s in total.")
        String latency;

        @Option(names = "--connections", split = ",", defaultValue = "10000",
                description = "Idle authenticated connections (e.g. 10000,50000).")
        List<Integer> connections;

        @Option(names = "--threads", defaultValue = "1", description = "Generator I/O threads.")
        int threads;

        @Option(names = "--settle-timeout", defaultValue = "120",
                description = "At most this many seconds after each trial for nats-server and the gateway to become "
                        + "idle before the next (default: ${DEFAULT-VALUE}).")
        double settleTimeout;

        @Option(names = "--jit-warmup", defaultValue = "15",
                description = "Seconds of unmeasured gateway traffic before the first trial, so that no trial measures "
                        + "the JIT compiling the gateway's hot paths (default: ${DEFAULT-VALUE}).")
        double jitWarmup;

        @Option(names = "--gateway-jvm", split = " ", defaultValue = "-Xms1g -Xmx4g",
                description = "JVM options of the gateway process (default: ${DEFAULT-VALUE}).")
        List<String> gatewayJvm;

        @Option(names = "--jfr", description = "Record the gateway with JFR (profile settings) into this file.")
        Path jfr;

        @Option(names = "--out", description = "Results directory (default bench-results/<time>).")
        Path out;

        @Override
        public Integer call() throws Exception {
            Path dir = out != null ? out : Path.of("bench-results",
                    LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            Files.createDirectories(dir);
            Report report = execute(dir);
            report.write(dir);
            System.out.println();
            System.out.println(report.markdown());
            report.notes.forEach(n -> System.out.println("note: " + n));
            System.out.println("Results: " + dir.toAbsolutePath().resolve("results.md") + ", results.json, results.html");
            return 0;
        }

        Report execute(Path dir) throws Exception {
            Report report = new Report();
            machine(report);
            int maxDevices = 1;
            for (String s : ingest) {
                maxDevices = Math.max(maxDevices, pair(s)[0]);
            }
            maxDevices = Math.max(maxDevices, pair(acked)[0]);
            maxDevices = Math.max(maxDevices, pair(latency)[0]);
            for (int n : delivery) {
                maxDevices = Math.max(maxDevices, n);
            }
            for (int n : connections) {
                maxDevices = Math.max(maxDevices, n);
            }
            List<String> jvm = new ArrayList<>(gatewayJvm);
            if (jfr != null) {
                jvm.add("-XX:StartFlightRecording=filename=" + jfr.toAbsolutePath() + ",settings=profile,dumponexit=true");
            }
            report.machine.put("gateway JVM options", String.join(" ", jvm));
            List<String> log = new ArrayList<>();
            try (NatsRig nats = NatsRig.start(dir.resolve("nats"));
                 GatewayRig gateway = GatewayRig.start(dir.resolve("gateway"), nats.url(), maxDevices, jvm);
                 WsEngine engine = new WsEngine(threads, "bench-io")) {
                Files.writeString(dir.resolve("gateway-config.yaml"), Files.readString(gateway.dir.resolve("gateway.yaml")));
                Scenarios s = new Scenarios(new Scenarios.Rig(nats, gateway, engine), warmup, duration, log)
                        .settle(settleTimeout);
                if (jitWarmup > 0) {
                    System.out.println("Warming up the gateway's JIT for " + jitWarmup + " s and four login storms (not measured) ...");
                    new Scenarios(new Scenarios.Rig(nats, gateway, engine), 0, jitWarmup / 2, new ArrayList<>())
                            .ingest(Side.GATEWAY, Math.min(100, maxDevices), 1);
                    new Scenarios(new Scenarios.Rig(nats, gateway, engine), 0, jitWarmup / 2, new ArrayList<>())
                            .acked(Side.GATEWAY, Math.min(100, maxDevices), 10);
                    // The login path too: the first storms after a start ran at 7.3k and 9.0k logins/s, the third
                    // and later at 10.8k (gateway and generator compiling the handshake), so three storms of 10,000.
                    Scenarios storms = new Scenarios(new Scenarios.Rig(nats, gateway, engine), 0.2, 1, new ArrayList<>());
                    for (int storm = 0; storm < 3; storm++) {
                        storms.connections(Side.GATEWAY, Math.min(10_000, maxDevices));
                    }
                    storms.connections(Side.NATIVE, Math.min(10_000, maxDevices)); // the generator's side of it
                }
                for (String scenario : scenarios) {
                    switch (scenario.trim()) {
                        case "ingest" -> {
                            for (String config : ingest) {
                                int[] p = pair(config);
                                Report.Row row = report.row("ingest", p[0] + " conns x " + p[1] + " frames/write",
                                        "msgsPerSec", false);
                                alternate(row, side -> s.ingest(side, p[0], p[1]));
                            }
                        }
                        case "acked" -> {
                            int[] p = pair(acked);
                            Report.Row row = report.row("acked JetStream ingest (native = direct jnats publishAsync)",
                                    p[0] + " devices x " + p[1] + " in flight", "msgsPerSec", false);
                            alternate(row, side -> s.acked(side, p[0], p[1]));
                        }
                        case "delivery" -> {
                            for (int m : delivery) {
                                Report.Row row = report.row("delivery (fan-out)", m + " subscribers", "msgsPerSec", false);
                                alternate(row, side -> s.delivery(side, m));
                            }
                        }
                        case "latency" -> {
                            int[] p = pair(latency);
                            Report.Row row = report.row("latency round trip", p[0] + " devices, " + p[1] + " msg/s",
                                    "p99Ms", true);
                            alternate(row, side -> s.latency(side, p[0], p[1]));
                        }
                        case "connections" -> {
                            for (int n : connections) {
                                Report.Row row = report.row("connections (storm + idle)", n + " devices",
                                        "loginsPerSec", false);
                                alternate(row, side -> s.connections(side, n));
                            }
                        }
                        default -> throw new CommandLine.ParameterException(new CommandLine(this),
                                "Unknown scenario " + scenario);
                    }
                }
            }
            report.notes.addAll(log);
            Targets.evaluate(report);
            return report;
        }

        interface Trial {
            Map<String, Double> run(Side side) throws Exception;
        }

        /** Rounds alternate which side goes first (native, gateway, gateway, native, …). */
        private void alternate(Report.Row row, Trial trial) throws Exception {
            for (int round = 0; round < rounds; round++) {
                Side[] order = round % 2 == 0 ? new Side[]{Side.NATIVE, Side.GATEWAY} : new Side[]{Side.GATEWAY, Side.NATIVE};
                for (Side side : order) {
                    if (!sides.contains(side)) {
                        continue;
                    }
                    System.out.printf(Locale.ROOT, "%s [%s] round %d: %s ... ", row.scenario, row.parameters, round + 1,
                            side.label);
                    System.out.flush();
                    Map<String, Double> values = trial.run(side);
                    row.rounds.get(side).add(values);
                    System.out.println(Report.fmt(values.getOrDefault(row.metric, Double.NaN)) + " " + row.metric
                            + " " + values);
                }
            }
        }

        private static int[] pair(String text) {
            String[] parts = text.toLowerCase(Locale.ROOT).split("x");
            return new int[]{Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
        }

        private void machine(Report report) {
            report.machine.put("date", java.time.ZonedDateTime.now().toString());
            report.machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
            report.machine.put("memory", memory());
            report.machine.put("cpu", cpuModel());
            report.machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            report.machine.put("nats-server", natsVersion());
            report.machine.put("load average at start", Proc.loadAverage());
            report.machine.put("commit", commit());
            report.machine.put("rounds", rounds + (rounds == 1 ? " round, " : " alternating rounds, ") + warmup + " s warm-up + " + duration
                    + " s measured per trial; generator threads " + threads + "; " + jitWarmup
                    + " s of unmeasured gateway traffic first (JIT)");
        }

        /** The checkout's commit, marked when it has uncommitted changes, so a result names the code it measured. */
        private static String commit() {
            try {
                Process p = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true).start();
                String described = new String(p.getInputStream().readAllBytes()).trim();
                return p.waitFor() == 0 && !described.isEmpty() ? described : "unknown (not a git checkout)";
            } catch (Exception e) {
                return "unknown (" + e.getMessage() + ")";
            }
        }

        private static String memory() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                    if (line.startsWith("MemTotal:")) {
                        long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        return String.format(Locale.ROOT, "%.1f GiB", kb / 1048576.0);
                    }
                }
            } catch (Exception e) {
                return "unknown";
            }
            return "unknown";
        }

        private static String cpuModel() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            } catch (Exception e) {
                return "unknown";
            }
            return "unknown";
        }

        private static String natsVersion() {
            try {
                Process p = new ProcessBuilder(com.pharmabridge.gateway.natsserver.NatsServerProcess.findBinary().toString(),
                        "--version").redirectErrorStream(true).start();
                return new String(p.getInputStream().readAllBytes()).trim();
            } catch (Exception e) {
                return "unknown";
            }
        }
    }

    /** Runs the JMH micro-benchmarks (any JMH options pass through, e.g. -f 1 -wi 2 -i 3 Decode). */
    @Command(name = "jmh", description = "JMH micro-benchmarks of the hot paths; arguments go to JMH.")
    public static final class Jmh implements Callable<Integer> {
        @CommandLine.Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            org.openjdk.jmh.Main.main(args.toArray(String[]::new));
            return 0;
        }
    }
}
