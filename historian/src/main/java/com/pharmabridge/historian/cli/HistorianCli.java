package com.pharmabridge.historian.cli;

import com.pharmabridge.historian.HistorianConfig;
import com.pharmabridge.historian.ingest.Historian;
import com.pharmabridge.historian.postgres.LocalPostgres;
import com.pharmabridge.historian.store.Database;
import com.pharmabridge.historian.store.RecordTable;
import com.pharmabridge.historian.store.RetentionPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code historian run | audit verify | batch report}: keep the records, check the audit trail, report a batch. */
@Command(name = "historian", mixinStandardHelpOptions = true, version = "pharmabridge-historian 0.1.0",
        description = "Keeps every JetStream record of the packaging lines in append-only PostgreSQL tables.",
        subcommands = {HistorianCli.Run.class, AuditCommand.class, BatchCommand.class})
public final class HistorianCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new HistorianCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof java.sql.SQLException || e instanceof java.io.IOException
                    || e instanceof org.flywaydb.core.api.FlywayException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }

    @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Consume the streams into PostgreSQL until SIGINT/SIGTERM.",
                    "Without --db-url an embedded PostgreSQL is started in --data (created on first use).",
                    "Every option can also be set by the environment variable shown."})
    static final class Run implements Callable<Integer> {
        @Option(names = "--nats-url", paramLabel = "URL",
                defaultValue = "${env:HISTORIAN_NATS_URL:-${env:NATS_URL:-nats://127.0.0.1:4222}}",
                description = "NATS server (env HISTORIAN_NATS_URL or NATS_URL; default ${DEFAULT-VALUE})")
        String natsUrl;

        @Mixin
        DatabaseOptions database = new DatabaseOptions();

        @Option(names = "--streams", split = ",", paramLabel = "STREAM",
                defaultValue = "${env:HISTORIAN_STREAMS:-TELEMETRY,EVENTS,ALERTS,QUALITY,BATCHES,AUDIT}",
                description = "Streams to keep (env HISTORIAN_STREAMS; default ${DEFAULT-VALUE})")
        List<String> streams;

        @Option(names = "--durable", defaultValue = "${env:HISTORIAN_DURABLE:-historian}",
                description = "Durable consumer name on each stream (env HISTORIAN_DURABLE; default ${DEFAULT-VALUE})")
        String durable;

        @Option(names = "--batch-size", defaultValue = "${env:HISTORIAN_BATCH_SIZE:-500}",
                description = "Messages per transaction (env HISTORIAN_BATCH_SIZE; default ${DEFAULT-VALUE})")
        int batchSize;

        @Option(names = "--ack-wait", defaultValue = "${env:HISTORIAN_ACK_WAIT:-30s}",
                description = "Redelivery after this without an ack (env HISTORIAN_ACK_WAIT; default ${DEFAULT-VALUE})")
        String ackWait;

        @Option(names = "--retain", paramLabel = "TABLE=DURATION", split = ",",
                defaultValue = "${env:HISTORIAN_RETAIN}",
                description = "Keep a table's rows this long, e.g. telemetry=90d,events=2y (env HISTORIAN_RETAIN); "
                        + "tables not named keep their rows for ever")
        Map<String, String> retain = new LinkedHashMap<>();

        @Option(names = "--batch-retention", defaultValue = "${env:HISTORIAN_BATCH_RETENTION:-6y}",
                description = "Records of a batch stay this long after it completes, whatever --retain says "
                        + "(env HISTORIAN_BATCH_RETENTION; default ${DEFAULT-VALUE})")
        String batchRetention;

        @Option(names = "--retention-every", defaultValue = "${env:HISTORIAN_RETENTION_EVERY:-1h}",
                description = "How often the retention job runs (env HISTORIAN_RETENTION_EVERY; default ${DEFAULT-VALUE})")
        String retentionEvery;

        @Override
        public Integer call() throws Exception {
            HistorianConfig config = config();
            DatabaseOptions.Opened opened = database.open();
            LocalPostgres embedded = opened.embedded();
            Database db = opened.db();
            Historian historian;
            try {
                historian = Historian.start(config, db);
            } catch (Exception | Error e) {
                if (embedded != null) {
                    embedded.close();
                }
                throw e;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            LocalPostgres ownedServer = embedded;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    historian.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (ownedServer != null) {
                    ownedServer.close();
                }
                stopped.countDown();
            }, "shutdown"));
            System.err.println("Historian running: " + config.tables().stream().map(RecordTable::stream).toList()
                    + " from " + config.natsUrl() + "; Ctrl-C to stop.");
            stopped.await();
            return 0;
        }

        HistorianConfig config() {
            List<RecordTable> tables = new ArrayList<>();
            for (String s : streams) {
                if (!s.isBlank()) {
                    tables.add(RecordTable.of(s.trim()));
                }
            }
            RetentionPolicy policy = RetentionPolicy.keepEverything(batchRetention);
            for (Map.Entry<String, String> e : retain.entrySet()) {
                policy = policy.with(RecordTable.of(e.getKey().trim()), e.getValue());
            }
            Duration every = duration(retentionEvery, "--retention-every");
            HistorianConfig defaults = HistorianConfig.defaults(natsUrl);
            return new HistorianConfig(natsUrl, tables.stream().distinct().toList(), durable, batchSize,
                    defaults.fetchWait(), duration(ackWait, "--ack-wait"), Math.max(defaults.maxAckPending(),
                    batchSize * 2), defaults.streamRetry(), policy, every);
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    static Duration duration(String text, String option) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not a duration (e.g. 500ms, 30s, 5m, 1h, 1d)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
