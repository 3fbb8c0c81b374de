package com.pharmabridge.historian.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pharmabridge.historian.store.RecordTable;
import com.pharmabridge.historian.store.StoredRecord;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class RecordMapperTest {
    private static final Instant STORED = Instant.parse("2026-01-15T10:30:00.123456789Z");

    private static StoredRecord map(RecordTable table, String subject, Headers headers, String payload) {
        return RecordMapper.map(table, table.stream(), 7, STORED, subject, headers,
                payload == null ? null : payload.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void takesAttributionAndTimesFromTheGatewaysHeaders() throws Exception {
        String payload = "{\"value\":185.5,\"batchId\":\"B-payload\"}";
        Headers h = new Headers().put("Device-Id", "sealer-1").put("Device-Type", "blister-sealer")
                .put("Gateway-Id", "gw-1").put("Received-At", "2026-01-15T10:29:59.999999Z")
                .put("Device-Timestamp", "2026-01-15T11:29:59.950+01:00").put("Batch-Id", "B-header")
                .put("Clock-Skew-Ms", "-12").put("Correlation-Id", "c1").put("Nats-Msg-Id", "sealer-1:c1")
                .put("Payload-SHA256", HexFormat.of().formatHex(RecordMapper.sha256(payload.getBytes(StandardCharsets.UTF_8))));
        StoredRecord r = map(RecordTable.TELEMETRY, "telemetry.line1.sealer.temperature", h, payload);

        assertThat(r.stream()).isEqualTo("TELEMETRY");
        assertThat(r.streamSeq()).isEqualTo(7);
        assertThat(r.storedAt()).isEqualTo(Instant.parse("2026-01-15T10:30:00.123456Z")); // microseconds, as stored
        assertThat(r.deviceId()).isEqualTo("sealer-1");
        assertThat(r.deviceType()).isEqualTo("blister-sealer");
        assertThat(r.gatewayId()).isEqualTo("gw-1");
        assertThat(r.batchId()).isEqualTo("B-header"); // the header wins over the payload
        assertThat(r.deviceTime()).isEqualTo(Instant.parse("2026-01-15T10:29:59.950Z"));
        assertThat(r.gatewayTime()).isEqualTo(Instant.parse("2026-01-15T10:29:59.999999Z"));
        assertThat(r.payload()).isEqualTo(payload.getBytes(StandardCharsets.UTF_8));
        assertThat(r.digestMismatch()).isFalse();
        var headers = new ObjectMapper().readTree(r.headersJson());
        assertThat(headers.path("Clock-Skew-Ms").asText()).isEqualTo("-12");
        assertThat(headers.path("Nats-Msg-Id").asText()).isEqualTo("sealer-1:c1");
    }

    @Test
    void batchIdFromThePayloadThenFromABatchSubject() {
        assertThat(map(RecordTable.QUALITY, "quality.x", null, "{\"n\":{\"batchId\":\"nested\"},\"batchId\":\"B2\"}")
                .batchId()).isEqualTo("B2");
        assertThat(map(RecordTable.QUALITY, "quality.x", null, "{\"batchId\":42}").batchId()).isNull();
        assertThat(map(RecordTable.QUALITY, "quality.x", null, "[\"batchId\",\"B\"]").batchId()).isNull();
        assertThat(map(RecordTable.QUALITY, "quality.x", null, "not json {\"batchId\":\"B\"}").batchId()).isNull();
        assertThat(map(RecordTable.BATCHES, "batch.B3.complete", null, "{}").batchId()).isEqualTo("B3");
        assertThat(map(RecordTable.EVENTS, "batch.B3.complete", null, "{}").batchId()).isNull();
    }

    @Test
    void keepsWhatItCannotReadAsIsAndFlagsADigestMismatch() throws Exception {
        Headers h = new Headers().put("Device-Timestamp", "yesterday").put("Payload-SHA256", "00ff")
                .put("Device-Id", "bad\u0000id").add("X-Multi", "a", "b");
        StoredRecord r = map(RecordTable.ALERTS, "alerts.x", h, null);
        assertThat(r.deviceTime()).isNull();
        assertThat(r.payload()).isEmpty();
        assertThat(HexFormat.of().formatHex(r.payloadSha256()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(r.declaredSha256()).isEqualTo("00ff");
        assertThat(r.digestMismatch()).isTrue();
        assertThat(r.deviceId()).isEqualTo("bad\uFFFDid");
        var headers = new ObjectMapper().readTree(r.headersJson());
        assertThat(headers.path("Device-Timestamp").asText()).isEqualTo("yesterday");
        assertThat(headers.path("X-Multi").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(map(RecordTable.ALERTS, "alerts.x", null, "{}").headersJson()).isNull();
    }
}
