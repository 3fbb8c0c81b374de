package com.pharmabridge.historian.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One JetStream message as the historian keeps it.
 *
 * @param storedAt       JetStream's storage time of this sequence (part of the key; microseconds)
 * @param deviceTime     the device's own clock (Device-Timestamp), null when absent or unreadable
 * @param gatewayTime    the gateway's clock when it received the message (Received-At)
 * @param payload        the message data, byte for byte
 * @param payloadSha256  SHA-256 of {@code payload}, computed by the historian
 * @param declaredSha256 the Payload-SHA256 header the gateway set (hex), null when absent
 * @param headersJson    every NATS header as a JSON object (a header with several values as an array)
 */
public record StoredRecord(RecordTable table, String stream, long streamSeq, Instant storedAt, String subject,
                           String deviceId, String deviceType, String gatewayId, String batchId, Instant deviceTime,
                           Instant gatewayTime, byte[] payload, byte[] payloadSha256, String declaredSha256,
                           String headersJson) {

    public StoredRecord {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(storedAt, "storedAt");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(payloadSha256, "payloadSha256");
    }

    /** Whether the gateway declared a digest and it differs from the payload's. */
    public boolean digestMismatch() {
        return declaredSha256 != null && !declaredSha256.equalsIgnoreCase(java.util.HexFormat.of().formatHex(payloadSha256));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredRecord r && table == r.table && stream.equals(r.stream) && streamSeq == r.streamSeq
                && storedAt.equals(r.storedAt) && Arrays.equals(payload, r.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(table, stream, streamSeq, storedAt);
    }

    @Override
    public String toString() {
        return table.table() + "[" + stream + " #" + streamSeq + " " + subject + "]";
    }
}
