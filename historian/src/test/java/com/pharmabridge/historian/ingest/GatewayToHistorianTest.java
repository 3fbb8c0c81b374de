package com.pharmabridge.historian.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.pharmabridge.gateway.registry.DeviceType;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import com.pharmabridge.historian.HistorianConfig;
import com.pharmabridge.historian.store.Database;
import com.pharmabridge.historian.store.RecordTable;
import com.pharmabridge.historian.store.RetentionPolicy;
import com.pharmabridge.historian.testing.Rows;
import com.pharmabridge.historian.testing.TestPostgres;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Devices publish through a real gateway; the historian consumes every stream into PostgreSQL; each row is compared
 * field by field with what JetStream holds for that sequence.
 */
@Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES)
class GatewayToHistorianTest {
    private static final String DEVICE_TIME = "2026-01-15T10:29:59.950Z";

    record Published(String stream, long seq) {
    }

    @Test
    void everyStreamLandsAsRowsWithTheFieldsJetStreamHolds() throws Exception {
        Database db = TestPostgres.freshDatabase();
        try (NatsFixture nats = NatsFixture.start();
             GatewayFixture gateway = new GatewayFixture(nats.url())
                     .type(new DeviceType("qa", List.of("quality.>", "batch.>"), List.of(), List.of()))
                     .device("sealer-line1-01", "sealer", "line1")
                     .device("qa-station-1", "qa", "line1")
                     .start()) {
            HistorianConfig config = HistorianConfig.defaults(nats.url())
                    .withTiming(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMillis(200))
                    .withRetention(RetentionPolicy.keepEverything("6y"), null);
            List<Published> published = new ArrayList<>();
            try (Historian historian = Historian.start(config, db)) {
                try (WsDevice sealer = gateway.connect("sealer-line1-01");
                     WsDevice qa = gateway.connect("qa-station-1")) {
                    // Payload bytes exactly as the device wrote them: spacing, number forms, escapes, key order.
                    published.add(publish(sealer, "telemetry.line1.sealer.temperature",
                            "{ \"value\" : 185.50 ,\"unit\":\"\\u00b0C\", \"batchId\":\"B1\" }", "t1"));
                    published.add(publish(sealer, "telemetry.line1.sealer.pressure",
                            "{\"value\":2.40e0,  \"unit\" : \"bar\",\"note\":\"tab\\there \\ud83d\\ude00\"}", "t2"));
                    published.add(publish(sealer, "events.line1.sealer.state", "{\"state\":\"running\",\"batchId\":\"B1\"}", "e1"));
                    published.add(publish(sealer, "alerts.line1.sealer.overtemp", "{\"value\":201.2,\"limit\":200}", "a1"));
                    published.add(publish(qa, "quality.line1.inspection", "{\"result\":\"pass\",\"batchId\":\"B1\",\"n\":120}", "q1"));
                    published.add(publish(qa, "batch.B1.start", "{\"batchId\":\"B1\",\"product\":\"Amoxicillin 500mg\"}", "b1"));
                    published.add(publish(qa, "batch.B1.complete", "{\"batchId\":\"B1\",\"good\":118}", "b2"));
                }
                // The gateway's own audit trail (logins, session ends) goes to AUDIT as well.
                await().atMost(Duration.ofSeconds(30)).until(() -> allStored(nats, db));
                assertThat(historian.stats().duplicatesTotal()).isZero();
            }

            JetStreamManagement jsm = nats.observer().jetStreamManagement();
            int compared = 0;
            for (RecordTable table : RecordTable.values()) {
                long last = jsm.getStreamInfo(table.stream()).getStreamState().getLastSequence();
                for (long seq = 1; seq <= last; seq++) {
                    assertRowMatches(db, table, jsm.getMessage(table.stream(), seq));
                    compared++;
                }
            }
            assertThat(compared).isGreaterThan(published.size());
            assertThat(Rows.count(db, "audit")).isPositive();
            for (Published p : published) {
                assertThat(Rows.single(db, "SELECT count(*) FROM historian.records WHERE stream = '" + p.stream()
                        + "' AND stream_seq = " + p.seq())).isEqualTo(1);
            }
            // Batch ids: the Batch-Id header where the payload had one; none otherwise.
            assertThat(Rows.single(db, "SELECT count(*) FROM historian.records WHERE batch_id = 'B1'")).isEqualTo(5);
            // The BATCHES stream filled the batches table, with a retain-until six years after completion.
            try (Connection c = db.admin(); var s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT started_at, completed_at, retain_until FROM historian.batches")) {
                assertThat(rs.next()).isTrue();
                OffsetDateTime completed = rs.getObject(2, OffsetDateTime.class);
                assertThat(rs.getObject(1, OffsetDateTime.class)).isBefore(completed);
                assertThat(rs.getObject(3, OffsetDateTime.class).toInstant())
                        .isEqualTo(completed.plusYears(6).toInstant());
                assertThat(rs.next()).isFalse();
            }
        }
    }

    /** Every message of the six streams has its row. */
    private static boolean allStored(NatsFixture nats, Database db) throws Exception {
        JetStreamManagement jsm = nats.observer().jetStreamManagement();
        for (RecordTable table : RecordTable.values()) {
            long messages = jsm.getStreamInfo(table.stream()).getStreamState().getMsgCount();
            if (messages == 0 || Rows.count(db, table.table()) != messages) {
                return false;
            }
        }
        return true;
    }

    private static Published publish(WsDevice device, String subject, String payloadJson, String correlationId)
            throws Exception {
        device.send("{\"type\":0,\"subject\":\"" + subject + "\",\"payload\":" + payloadJson + ",\"correlationId\":\""
                + correlationId + "\",\"timestamp\":\"" + DEVICE_TIME + "\"}");
        JsonNode ack = device.awaitCorrelation(correlationId);
        assertThat(ack.path("type").asInt()).as(ack.toString()).isEqualTo(6);
        return new Published(ack.path("payload").path("stream").asText(), ack.path("payload").path("seq").asLong());
    }

    /** The row for this JetStream message holds exactly its bytes, digest, subject, times and attribution. */
    private static void assertRowMatches(Database db, RecordTable table, MessageInfo stored) throws Exception {
        Headers h = stored.getHeaders() == null ? new Headers() : stored.getHeaders();
        try (Connection c = db.admin(); PreparedStatement q = c.prepareStatement(
                "SELECT stream, subject, device_id, device_type, gateway_id, batch_id, device_time, gateway_time, "
                        + "payload, payload_sha256, declared_sha256, stored_at, headers->>'Nats-Msg-Id' "
                        + "FROM historian." + table.table() + " WHERE stream = ? AND stream_seq = ?")) {
            q.setString(1, stored.getStream());
            q.setLong(2, stored.getSeq());
            try (ResultSet rs = q.executeQuery()) {
                String what = stored.getStream() + " #" + stored.getSeq() + " " + stored.getSubject();
                assertThat(rs.next()).as("row for " + what).isTrue();
                assertThat(rs.getString("stream")).isEqualTo(stored.getStream());
                assertThat(rs.getString("subject")).as(what).isEqualTo(stored.getSubject());
                assertThat(rs.getString("device_id")).as(what).isEqualTo(h.getFirst("Device-Id"));
                assertThat(rs.getString("device_type")).as(what).isEqualTo(h.getFirst("Device-Type"));
                assertThat(rs.getString("gateway_id")).as(what).isEqualTo(h.getFirst("Gateway-Id"));
                assertThat(rs.getString("batch_id")).as(what).isEqualTo(
                        table == RecordTable.BATCHES ? "B1" : h.getFirst("Batch-Id"));
                assertThat(instant(rs, "device_time")).as(what).isEqualTo(
                        h.getFirst("Device-Timestamp") == null ? null : Instant.parse(DEVICE_TIME));
                assertThat(instant(rs, "gateway_time")).as(what).isEqualTo(h.getFirst("Received-At") == null ? null
                        : Instant.parse(h.getFirst("Received-At")).truncatedTo(ChronoUnit.MICROS));
                assertThat(rs.getString(13)).as(what).isEqualTo(h.getFirst("Nats-Msg-Id"));
                assertThat(instant(rs, "stored_at")).as(what)
                        .isEqualTo(stored.getTime().toInstant().truncatedTo(ChronoUnit.MICROS));
                // Byte for byte what JetStream stores, and its SHA-256 as computed by the historian and the gateway.
                assertThat(rs.getBytes("payload")).as(what).isEqualTo(stored.getData());
                assertThat(rs.getBytes("payload_sha256")).as(what).isEqualTo(RecordMapper.sha256(stored.getData()));
                assertThat(rs.getString("declared_sha256")).as(what).isEqualTo(h.getFirst("Payload-SHA256"));
                if (table != RecordTable.AUDIT) {
                    assertThat(h.getFirst("Device-Id")).as(what).isNotNull();
                    assertThat(HexFormat.of().formatHex(rs.getBytes("payload_sha256"))).as(what)
                            .isEqualTo(h.getFirst("Payload-SHA256"));
                }
                assertThat(rs.next()).isFalse();
            }
        }
    }

    private static Instant instant(ResultSet rs, String column) throws java.sql.SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
