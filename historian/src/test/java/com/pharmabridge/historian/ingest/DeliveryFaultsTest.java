package com.pharmabridge.historian.ingest;

import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.historian.HistorianConfig;
import com.pharmabridge.historian.store.Database;
import com.pharmabridge.historian.store.RecordTable;
import com.pharmabridge.historian.store.RetentionPolicy;
import com.pharmabridge.historian.testing.Rows;
import com.pharmabridge.historian.testing.Streams;
import com.pharmabridge.historian.testing.TestPostgres;
import io.nats.client.Connection;
import io.nats.client.api.ConsumerInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * At-least-once delivery plus idempotent inserts: whatever fails between JetStream and PostgreSQL, every message ends
 * up as exactly one row.
 */
@Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES)
class DeliveryFaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private Database db;

    @BeforeEach
    void freshDatabase() throws Exception {
        db = TestPostgres.freshDatabase();
    }

    private static HistorianConfig config(NatsFixture nats) {
        return HistorianConfig.defaults(nats.url())
                .withTables(List.of(RecordTable.TELEMETRY))
                .withBatchSize(25)
                .withTiming(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(200))
                .withRetention(RetentionPolicy.keepEverything("6y"), null);
    }

    @Test
    void aHistorianThatDiesBetweenCommitAndAckLeavesNoDuplicateRows() throws Exception {
        try (NatsFixture nats = NatsFixture.start()) {
            Streams.create(nats.observer(), "TELEMETRY", "telemetry.>");
            Streams.publishReadings(nats.observer(), "telemetry.line1.sealer.temperature", 1, 300);

            // The first historian commits every batch and then "dies" before acknowledging any of it.
            AtomicInteger unacked = new AtomicInteger();
            Historian dying = Historian.start(config(nats), db, (table, committed) -> {
                unacked.addAndGet(committed.size());
                return false;
            });
            await().atMost(WAIT).until(() -> Rows.count(db, "telemetry") == 300);
            assertThat(unacked.get()).isGreaterThanOrEqualTo(300);
            dying.close();
            ConsumerInfo pending = nats.observer().jetStreamManagement().getConsumerInfo("TELEMETRY", "historian");
            assertThat(pending.getAckFloor().getStreamSequence()).isZero();

            // Its successor gets every message again and recognises every one as stored.
            try (Historian successor = Historian.start(config(nats), db)) {
                await().atMost(WAIT).until(() -> consumerDone(nats, 300));
                assertThat(successor.stats().duplicates(RecordTable.TELEMETRY)).isGreaterThanOrEqualTo(300);
                assertThat(successor.stats().inserted(RecordTable.TELEMETRY)).isZero();
            }
            assertExactlyOnce(300);
        }
    }

    @Test
    void survivesANatsRestartMidStream() throws Exception {
        try (NatsFixture nats = NatsFixture.start()) {
            Streams.create(nats.observer(), "TELEMETRY", "telemetry.>");
            Streams.publishReadings(nats.observer(), "telemetry.line1.sealer.temperature", 1, 1000);
            try (Historian historian = Historian.start(config(nats), db)) {
                await().atMost(WAIT).until(() -> Rows.count(db, "telemetry") >= 100);
                nats.server().stop();
                // Restarted only once the historian has seen its connection go.
                await().atMost(WAIT).until(() -> historian.nats().getStatus() != Connection.Status.CONNECTED);
                nats.server().start(); // same port, same JetStream store
                await().atMost(WAIT).until(() -> Rows.count(db, "telemetry") == 1000);
                // And it goes on with what arrives after the restart.
                Streams.publishReadings(nats.observer(), "telemetry.line1.sealer.temperature", 1001, 200);
                await().atMost(WAIT).until(() -> consumerDone(nats, 1200));
                assertThat(historian.stats().inserted(RecordTable.TELEMETRY)).isEqualTo(1200);
            }
            assertExactlyOnce(1200);
        }
    }

    @Test
    void survivesADatabaseCrashMidStream() throws Exception {
        try (NatsFixture nats = NatsFixture.start()) {
            Streams.create(nats.observer(), "TELEMETRY", "telemetry.>");
            Streams.publishReadings(nats.observer(), "telemetry.line1.sealer.temperature", 1, 1000);
            try (Historian historian = Historian.start(config(nats), db)) {
                await().atMost(WAIT).until(() -> Rows.count(db, "telemetry") >= 100);
                long failuresBefore = historian.stats().storeFailures(RecordTable.TELEMETRY);
                TestPostgres.server().crash(); // SIGKILL: no shutdown, recovery from the WAL on start
                Streams.publishReadings(nats.observer(), "telemetry.line1.sealer.temperature", 1001, 200);
                // Down for a few insert retries of a held batch before it comes back.
                await().atMost(WAIT)
                        .until(() -> historian.stats().storeFailures(RecordTable.TELEMETRY) >= failuresBefore + 3);
                TestPostgres.server().start();
                await().atMost(WAIT).until(() -> consumerDone(nats, 1200));
                assertThat(historian.stats().inserted(RecordTable.TELEMETRY)).isEqualTo(1200);
            }
            assertExactlyOnce(1200);
        }
    }

    @Test
    void startsBeforeNatsAndWaitsForStreamsThatDoNotExistYet() throws Exception {
        try (NatsFixture nats = NatsFixture.start()) {
            nats.server().stop();
            HistorianConfig config = config(nats).withTables(List.of(RecordTable.TELEMETRY, RecordTable.AUDIT));
            try (Historian historian = Historian.start(config, db)) {
                await().atMost(WAIT).until(() -> historian.failedConnects() >= 1); // it found no NATS and waits
                nats.server().start();
                Streams.create(nats.observer(), "TELEMETRY", "telemetry.>");
                Streams.publishReadings(nats.observer(), "telemetry.line1.sealer.temperature", 1, 10);
                await().atMost(WAIT).until(() -> Rows.count(db, "telemetry") == 10);
                long auditMissing = historian.stats().streamMissing(RecordTable.AUDIT);
                // AUDIT looked for, and not found, a few more times
                await().atMost(WAIT).until(() -> historian.stats().streamMissing(RecordTable.AUDIT) >= auditMissing + 3);
                assertThat(Rows.count(db, "audit")).isZero();
                Streams.create(nats.observer(), "AUDIT", "audit.>");
                Streams.publishReadings(nats.observer(), "audit.gw-test", 1, 5);
                await().atMost(WAIT).until(() -> Rows.count(db, "audit") == 5);
                assertThat(historian.stats().inserted(RecordTable.AUDIT)).isEqualTo(5);
            }
        }
    }

    @Test
    void aStreamDeletedAndCreatedAgainKeepsItsOldRowsAndAddsTheNewOnes() throws Exception {
        try (NatsFixture nats = NatsFixture.start()) {
            Streams.create(nats.observer(), "TELEMETRY", "telemetry.>");
            Streams.publishReadings(nats.observer(), "telemetry.line1.sealer.temperature", 1, 50);
            try (Historian historian = Historian.start(config(nats), db)) {
                await().atMost(WAIT).until(() -> consumerDone(nats, 50));
                // Deleted (with its consumer) and created again: its sequences start at 1 once more.
                nats.observer().jetStreamManagement().deleteStream("TELEMETRY");
                Streams.create(nats.observer(), "TELEMETRY", "telemetry.>");
                Streams.publishReadings(nats.observer(), "telemetry.line1.sealer.temperature", 51, 30);
                await().atMost(WAIT).until(() -> Rows.count(db, "telemetry") == 80);
                assertThat(historian.stats().duplicates(RecordTable.TELEMETRY)).isZero();
            }
            assertThat(Rows.single(db, "SELECT count(DISTINCT stream_seq) FROM historian.telemetry")).isEqualTo(50);
            assertThat(Rows.single(db, "SELECT count(*) FROM historian.telemetry "
                    + "WHERE convert_from(payload, 'UTF8')::jsonb ->> 'reading' = '51' AND stream_seq = 1")).isEqualTo(1);
        }
    }

    /** Every message acknowledged and none pending: nothing more will be delivered. */
    private static boolean consumerDone(NatsFixture nats, long streamMessages) throws Exception {
        ConsumerInfo info = nats.observer().jetStreamManagement().getConsumerInfo("TELEMETRY", "historian");
        return info.getAckFloor().getStreamSequence() == streamMessages && info.getNumAckPending() == 0
                && info.getNumPending() == 0;
    }

    private void assertExactlyOnce(long messages) throws Exception {
        assertThat(Rows.sequences(db, "telemetry")).isEqualTo(Rows.oneTo(messages));
        assertThat(Rows.single(db, "SELECT count(*) FROM historian.telemetry WHERE sha256(payload) <> payload_sha256 "
                + "OR encode(payload_sha256, 'hex') <> declared_sha256")).isZero();
    }
}
