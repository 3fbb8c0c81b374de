package com.pharmabridge.historian.store;

import com.pharmabridge.historian.ingest.RecordMapper;
import com.pharmabridge.historian.testing.TestPostgres;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schema's guarantees, straight against PostgreSQL: append-only, idempotent, digest-checked, guarded retention. */
@Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES)
class SchemaTest {
    private Database db;
    private long seq;

    @BeforeEach
    void freshSchema() throws Exception {
        db = TestPostgres.freshDatabase();
        Schema.migrate(db);
        Schema.enableWriterLogin(db, db.writerPassword());
        Schema.applyRetention(db, RetentionPolicy.keepEverything("6y"));
    }

    @Test
    void plainPostgresLayoutWithoutTimescale() throws Exception {
        assertThat(Schema.migrate(db)).hasSize(6).allSatisfy((table, layout) -> assertThat(layout).isEqualTo("postgresql brin"));
        assertThat(queryLong("SELECT count(*) FROM pg_indexes WHERE schemaname = 'historian' AND indexdef LIKE '%USING brin%'"))
                .isEqualTo(6);
    }

    @Test
    void insertsAreIdempotentPerStreamAndSequence() throws Exception {
        List<StoredRecord> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            batch.add(record(RecordTable.TELEMETRY, Instant.now(), null));
        }
        try (Connection writer = db.writer()) {
            assertThat(RecordStore.insert(writer, batch)).isEqualTo(new RecordStore.Outcome(50, 0));
            // Redelivered: the whole batch again, and mixed with new messages.
            assertThat(RecordStore.insert(writer, batch)).isEqualTo(new RecordStore.Outcome(0, 50));
            List<StoredRecord> mixed = new ArrayList<>(batch.subList(40, 50));
            mixed.add(record(RecordTable.TELEMETRY, Instant.now(), null));
            assertThat(RecordStore.insert(writer, mixed)).isEqualTo(new RecordStore.Outcome(1, 10));
        }
        assertThat(queryLong("SELECT count(*) FROM historian.telemetry")).isEqualTo(51);
        assertThat(queryLong("SELECT count(DISTINCT (stream, stream_seq)) FROM historian.telemetry")).isEqualTo(51);
    }

    @Test
    void storedBytesHashToTheStoredDigestAndAWrongDigestIsRefused() throws Exception {
        byte[] odd = {0, (byte) 0xff, '{', '"', (byte) 0xc3, (byte) 0xa9, '\n', 0x7f};
        StoredRecord binary = withPayload(record(RecordTable.QUALITY, Instant.now(), "B1"), odd);
        try (Connection writer = db.writer()) {
            RecordStore.insert(writer, List.of(binary));
        }
        try (Connection c = db.admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT payload, payload_sha256, sha256(payload) = payload_sha256 "
                     + "FROM historian.quality")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBytes(1)).isEqualTo(odd);
            assertThat(rs.getBytes(2)).isEqualTo(RecordMapper.sha256(odd));
            assertThat(rs.getBoolean(3)).isTrue();
        }
        StoredRecord forged = new StoredRecord(RecordTable.QUALITY, "QUALITY", ++seq, Instant.now(), "quality.x", null,
                null, null, null, null, null, "{}".getBytes(StandardCharsets.UTF_8), new byte[32], null, null);
        try (Connection writer = db.writer()) {
            assertThatThrownBy(() -> RecordStore.insert(writer, List.of(forged)))
                    .isInstanceOf(SQLException.class).hasMessageContaining("quality_payload_sha256");
        }
    }

    @Test
    void updateDeleteAndTruncateAreRefusedEvenForTheSuperuser() throws Exception {
        for (RecordTable table : RecordTable.values()) {
            insertOne(table, Instant.now().minus(3650, ChronoUnit.DAYS), null);
        }
        try (Connection admin = db.admin(); Statement s = admin.createStatement()) {
            assertThat(queryLong("SELECT count(*) FROM pg_roles WHERE rolname = current_user AND rolsuper")).isEqualTo(1);
            for (String table : List.of("telemetry", "events", "alerts", "quality", "batch_events", "audit")) {
                assertThatThrownBy(() -> s.executeUpdate("UPDATE historian." + table + " SET subject = 'x'"))
                        .hasMessageContaining("UPDATE on historian." + table + " is refused: records are append-only")
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
                assertThatThrownBy(() -> s.executeUpdate("DELETE FROM historian." + table))
                        .hasMessageContaining("DELETE on historian." + table + " is refused");
                assertThatThrownBy(() -> s.execute("TRUNCATE historian." + table))
                        .hasMessageContaining("TRUNCATE on historian." + table + " is refused");
            }
            // The retention switch set by hand opens nothing: audit keeps its rows for ever.
            s.execute("SET historian.retention = 'on'");
            assertThatThrownBy(() -> s.executeUpdate("DELETE FROM historian.audit"))
                    .hasMessageContaining("inside its retention or belongs to protected batch");
            assertThatThrownBy(() -> s.execute("DROP TABLE historian.audit CASCADE"))
                    .hasMessageContaining("Dropping historian.audit is refused");
            assertThatThrownBy(() -> s.execute("DROP SCHEMA historian CASCADE"))
                    .hasMessageContaining("is refused");
        }
        assertThat(queryLong("SELECT count(*) FROM historian.audit")).isEqualTo(1);
    }

    @Test
    void theWriterRoleCanInsertAndReadButNotChangeOrRemove() throws Exception {
        insertOne(RecordTable.EVENTS, Instant.now(), null);
        for (String table : List.of("telemetry", "events", "alerts", "quality", "batch_events", "audit")) {
            String t = "'historian." + table + "'";
            assertThat(queryBool("SELECT has_table_privilege('historian_writer', " + t + ", 'INSERT')")).isTrue();
            assertThat(queryBool("SELECT has_table_privilege('historian_writer', " + t + ", 'SELECT')")).isTrue();
            for (String privilege : List.of("UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")) {
                assertThat(queryBool("SELECT has_table_privilege('historian_writer', " + t + ", '" + privilege + "')"))
                        .as(privilege + " on " + table).isFalse();
            }
        }
        assertThat(queryBool("SELECT has_table_privilege('historian_writer', 'historian.batches', 'UPDATE')")).isFalse();
        assertThat(queryBool("SELECT has_table_privilege('historian_writer', 'historian.retention_policy', 'UPDATE')")).isFalse();
        assertThat(queryBool("SELECT has_function_privilege('historian_writer', "
                + "'historian.apply_retention(text, integer)', 'EXECUTE')")).isFalse();
        assertThat(queryBool("SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls FROM pg_roles "
                + "WHERE rolname = 'historian_writer'")).isFalse();
        try (Connection writer = db.writer(); Statement s = writer.createStatement()) {
            assertThat(queryLong(writer, "SELECT count(*) FROM historian.events")).isEqualTo(1);
            // Refused by privileges before any trigger runs.
            for (String sql : List.of("UPDATE historian.events SET subject = 'x'", "DELETE FROM historian.events",
                    "TRUNCATE historian.events", "UPDATE historian.retention_policy SET keep = '1 day'",
                    "SELECT historian.apply_retention('events', 10)", "ALTER TABLE historian.events DISABLE TRIGGER ALL")) {
                assertThatThrownBy(() -> s.execute(sql)).as(sql)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("42501"));
            }
        }
    }

    @Test
    void batchEventsKeepTheBatchesTableCurrent() throws Exception {
        Instant start = Instant.parse("2026-01-15T06:00:00Z");
        insertBatchEvent("B7", "start", start);
        insertBatchEvent("B7", "hold", start.plusSeconds(3600));
        insertBatchEvent("B7", "release", start.plusSeconds(7200));
        insertBatchEvent("B7", "complete", start.plusSeconds(36000));
        try (Connection c = db.admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT started_at, completed_at, last_hold_at, last_release_at, "
                     + "retain_until, historian.on_hold(b) FROM historian.batches b WHERE batch_id = 'B7'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getObject(1, OffsetDateTime.class).toInstant()).isEqualTo(start);
            assertThat(rs.getObject(2, OffsetDateTime.class).toInstant()).isEqualTo(start.plusSeconds(36000));
            assertThat(rs.getObject(3, OffsetDateTime.class).toInstant()).isEqualTo(start.plusSeconds(3600));
            assertThat(rs.getObject(4, OffsetDateTime.class).toInstant()).isEqualTo(start.plusSeconds(7200));
            assertThat(rs.getObject(5, OffsetDateTime.class).toInstant().toString()).isEqualTo("2032-01-15T16:00:00Z");
            assertThat(rs.getBoolean(6)).isFalse();
        }
        try (Connection admin = db.admin(); Statement s = admin.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("UPDATE historian.batches SET retain_until = now()"))
                    .hasMessageContaining("retain-until date only moves later");
            assertThatThrownBy(() -> s.executeUpdate("DELETE FROM historian.batches"))
                    .hasMessageContaining("DELETE on historian.batches is refused");
        }
        // A longer batch retention moves the date later; a shorter one leaves it.
        Schema.applyRetention(db, RetentionPolicy.keepEverything("10y"));
        assertThat(queryString("SELECT to_char(retain_until AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM historian.batches")).startsWith("2036-01-15 16:00:00");
        Schema.applyRetention(db, RetentionPolicy.keepEverything("1y"));
        assertThat(queryString("SELECT to_char(retain_until AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM historian.batches")).startsWith("2036-01-15 16:00:00");
    }

    @Test
    void retentionRemovesOldRowsButNeverThoseOfAProtectedBatch() throws Exception {
        Instant now = Instant.now();
        Instant old = now.minus(400, ChronoUnit.DAYS);
        // EXPIRED completed ten years ago: its retain-until (6 years) has passed.
        insertBatchEvent("EXPIRED", "start", now.minus(3660, ChronoUnit.DAYS));
        insertBatchEvent("EXPIRED", "complete", now.minus(3650, ChronoUnit.DAYS));
        // RECENT completed last year: retained until five years from now.
        insertBatchEvent("RECENT", "start", now.minus(420, ChronoUnit.DAYS));
        insertBatchEvent("RECENT", "complete", now.minus(390, ChronoUnit.DAYS));
        // HELD completed long ago but is on hold (no release since).
        insertBatchEvent("HELD", "complete", now.minus(3650, ChronoUnit.DAYS));
        insertBatchEvent("HELD", "hold", now.minus(10, ChronoUnit.DAYS));
        // RUNNING never completed; UNKNOWN never appeared on BATCHES.
        insertBatchEvent("RUNNING", "start", now.minus(500, ChronoUnit.DAYS));

        for (String batch : new String[] {null, "EXPIRED", "RECENT", "HELD", "RUNNING", "UNKNOWN"}) {
            insertOne(RecordTable.TELEMETRY, old, batch);
            insertOne(RecordTable.TELEMETRY, now.minus(1, ChronoUnit.DAYS), batch);
            insertOne(RecordTable.ALERTS, old, batch);
        }
        Schema.applyRetention(db, RetentionPolicy.keepEverything("6y").with(RecordTable.TELEMETRY, "90d")
                .with(RecordTable.BATCHES, "30d"));
        Map<RecordTable, Long> removed = Retention.run(db);

        // Old telemetry without a batch and of EXPIRED go; the old batch events of EXPIRED too.
        assertThat(removed).containsEntry(RecordTable.TELEMETRY, 2L).containsEntry(RecordTable.BATCHES, 2L)
                .doesNotContainKey(RecordTable.ALERTS);
        assertThat(queryStrings("SELECT coalesce(batch_id, '-') FROM historian.telemetry WHERE stored_at < now() - interval '90 days' ORDER BY 1"))
                .containsExactly("HELD", "RECENT", "RUNNING", "UNKNOWN");
        assertThat(queryLong("SELECT count(*) FROM historian.telemetry WHERE stored_at > now() - interval '90 days'")).isEqualTo(6);
        assertThat(queryLong("SELECT count(*) FROM historian.alerts")).isEqualTo(6);
        assertThat(queryStrings("SELECT DISTINCT batch_id FROM historian.batch_events ORDER BY 1"))
                .containsExactly("HELD", "RECENT", "RUNNING");
        // Running it again finds nothing more; the guard is the only door, also for the owner.
        assertThat(Retention.run(db)).isEmpty();
        try (Connection admin = db.admin(); Statement s = admin.createStatement()) {
            s.execute("SET historian.retention = 'on'");
            assertThatThrownBy(() -> s.executeUpdate("DELETE FROM historian.telemetry WHERE batch_id = 'RECENT'"))
                    .hasMessageContaining("belongs to protected batch RECENT");
        }
    }

    @Test
    void retentionSlicesLargeDeletes() throws Exception {
        Instant old = Instant.now().minus(30, ChronoUnit.DAYS);
        List<StoredRecord> rows = new ArrayList<>();
        for (int i = 0; i < Retention.SLICE * 2 + 17; i++) {
            rows.add(record(RecordTable.EVENTS, old, null));
        }
        try (Connection writer = db.writer()) {
            RecordStore.insert(writer, rows);
        }
        Schema.applyRetention(db, RetentionPolicy.keepEverything("6y").with(RecordTable.EVENTS, "7d"));
        assertThat(Retention.run(db)).containsExactly(Map.entry(RecordTable.EVENTS, (long) rows.size()));
        assertThat(queryLong("SELECT count(*) FROM historian.events")).isZero();
    }

    private void insertBatchEvent(String batch, String action, Instant at) throws SQLException {
        Headers headers = new Headers().put("Received-At", at.toString()).put("Device-Id", "mes-1");
        StoredRecord r = RecordMapper.map(RecordTable.BATCHES, "BATCHES", ++seq, at, "batch." + batch + "." + action,
                headers, ("{\"batchId\":\"" + batch + "\",\"action\":\"" + action + "\"}").getBytes(StandardCharsets.UTF_8));
        try (Connection writer = db.writer()) {
            RecordStore.insert(writer, List.of(r));
        }
    }

    private void insertOne(RecordTable table, Instant storedAt, String batch) throws SQLException {
        try (Connection writer = db.writer()) {
            RecordStore.insert(writer, List.of(record(table, storedAt, batch)));
        }
    }

    private StoredRecord record(RecordTable table, Instant storedAt, String batch) {
        Headers headers = new Headers().put("Device-Id", "sealer-1").put("Device-Type", "sealer")
                .put("Received-At", storedAt.minusMillis(3).toString());
        if (batch != null) {
            headers.put("Batch-Id", batch);
        }
        String payload = "{\"value\":" + seq + "}";
        return RecordMapper.map(table, table.stream(), ++seq, storedAt, table.table() + ".line1.sealer", headers,
                payload.getBytes(StandardCharsets.UTF_8));
    }

    private static StoredRecord withPayload(StoredRecord r, byte[] payload) {
        return new StoredRecord(r.table(), r.stream(), r.streamSeq(), r.storedAt(), r.subject(), r.deviceId(),
                r.deviceType(), r.gatewayId(), r.batchId(), r.deviceTime(), r.gatewayTime(), payload,
                RecordMapper.sha256(payload), null, r.headersJson());
    }

    private long queryLong(String sql) throws SQLException {
        try (Connection c = db.admin()) {
            return queryLong(c, sql);
        }
    }

    private static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private boolean queryBool(String sql) throws SQLException {
        return queryString(sql).equals("t");
    }

    private String queryString(String sql) throws SQLException {
        return queryStrings(sql).get(0);
    }

    private List<String> queryStrings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.admin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
