package com.pharmabridge.historian.cli;

import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.historian.postgres.LocalPostgres;
import com.pharmabridge.historian.store.Database;
import com.pharmabridge.historian.testing.Rows;
import com.pharmabridge.historian.testing.Streams;
import io.nats.client.api.ConsumerInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code historian run} as its own operating-system process with zero set-up (embedded PostgreSQL in --data), killed
 * with SIGKILL in the middle of a backlog and started again: every message one row, none twice.
 */
@Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES)
class HistorianProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void killedWithSigkillAndRestartedItStoresEveryMessageOnce(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("historian");
        int pgPort = freePort();
        try (NatsFixture nats = NatsFixture.start()) {
            Streams.create(nats.observer(), "TELEMETRY", "telemetry.>");
            Streams.publishReadings(nats.observer(), "telemetry.line1.sealer.temperature", 1, 3000);

            Process first = start(nats, data, pgPort, tmp.resolve("first.log"));
            Database db = database(data, pgPort);
            await().atMost(WAIT).until(() -> Rows.count(db, "telemetry") >= 300);
            first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, acks in flight lost
            long afterKill = Rows.count(db, "telemetry"); // its PostgreSQL outlives it
            assertThat(afterKill).isBetween(300L, 3000L);

            Process second = start(nats, data, pgPort, tmp.resolve("second.log"));
            await().atMost(WAIT).until(() -> consumerDone(nats, 3000));
            assertThat(Rows.sequences(db, "telemetry")).isEqualTo(Rows.oneTo(3000));

            // SIGTERM: a clean stop, the embedded PostgreSQL with it.
            second.destroy();
            assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String log = Files.readString(tmp.resolve("second.log"), StandardCharsets.UTF_8);
            assertThat(log).contains("still running on").contains("Historian stopped");
            await().atMost(WAIT).until(() -> !Files.exists(data.resolve("pgdata").resolve("postmaster.pid")));
        }
    }

    @Test
    void refusesABadOptionWithAClearMessage() throws Exception {
        var err = new java.io.StringWriter();
        var cli = HistorianCli.commandLine();
        cli.setErr(new java.io.PrintWriter(err));
        int exit = cli.execute("run", "--nats-url", "nats://127.0.0.1:1", "--streams", "TELEMETRY,NOPE");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("No record table for 'NOPE'");
        exit = cli.execute("run", "--retain", "telemetry=soon");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("'soon' is not a duration");
    }

    private static Process start(NatsFixture nats, Path data, int pgPort, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                HistorianCli.class.getName(), "run", "--nats-url", nats.url(), "--data", data.toString(),
                "--pg-port", Integer.toString(pgPort), "--streams", "TELEMETRY", "--batch-size", "50",
                "--ack-wait", "2s"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("HISTORIAN_"));
        return builder.start();
    }

    /** The process's embedded PostgreSQL, with the superuser password it keeps beside the cluster. */
    private static Database database(Path data, int port) throws Exception {
        Path credentials = data.resolve("credentials.properties");
        await().atMost(WAIT).until(() -> Files.exists(credentials));
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(credentials)) {
            p.load(in);
        }
        return Database.external("jdbc:postgresql://127.0.0.1:" + port + "/" + LocalPostgres.DATABASE,
                LocalPostgres.SUPERUSER, p.getProperty("superuser.password"), null, null);
    }

    private static boolean consumerDone(NatsFixture nats, long messages) throws Exception {
        ConsumerInfo info = nats.observer().jetStreamManagement().getConsumerInfo("TELEMETRY", "historian");
        return info.getAckFloor().getStreamSequence() == messages && info.getNumAckPending() == 0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
