package com.pharmabridge.gateway.session;

import com.pharmabridge.gateway.auth.AuthenticatedDevice;
import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.ProtocolException;
import com.pharmabridge.protocol.Sha256;
import com.pharmabridge.gateway.bridge.NatsHeaders;
import com.pharmabridge.gateway.logging.MessageLogContext;

import java.time.Instant;

/** The NATS headers that make a stored message attributable: who, when (both clocks), which batch, which digest. */
final class PublishHeaders {
    static final String DEVICE_ID = "Device-Id";
    static final String DEVICE_TYPE = "Device-Type";
    static final String GATEWAY_ID = "Gateway-Id";
    static final String RECEIVED_AT = "Received-At";
    static final String DEVICE_TIMESTAMP = "Device-Timestamp";
    static final String BATCH_ID = "Batch-Id";
    /** {@code line} when the gateway took Batch-Id from the line's running batch rather than the payload. */
    static final String BATCH_ID_SOURCE = "Batch-Id-Source";
    static final String CORRELATION_ID = "Correlation-Id";
    static final String MSG_ID = "Nats-Msg-Id";
    static final String PAYLOAD_SHA256 = "Payload-SHA256";
    static final String CLOCK_SKEW_MS = "Clock-Skew-Ms";
    private static final int MAX_HEADER_VALUE = 128;

    private PublishHeaders() {
    }

    static NatsHeaders build(DeviceSession session, Envelope envelope, byte[] payload) {
        return build(session, envelope, payload, null);
    }

    /** @param parsed the payload as the validator checked it, or {@code null}: its batchId is read from it */
    static NatsHeaders build(DeviceSession session, Envelope envelope, byte[] payload,
                         com.pharmabridge.gateway.validation.CheckedPayload parsed) {
        AuthenticatedDevice device = session.device();
        NatsHeaders headers = new NatsHeaders();
        boolean identityVerified = session.identityHeadersVerified();
        putIdentity(headers, DEVICE_ID, device.deviceId(), identityVerified);
        putIdentity(headers, DEVICE_TYPE, device.deviceType(), identityVerified);
        putIdentity(headers, GATEWAY_ID, session.services().config().gateway().id(), identityVerified);
        headers.putVerified(RECEIVED_AT, IsoInstant.format(Instant.now()));
        // The batch first, so that a clock-skew warning below names it in its log line.
        String batchId = Payloads.topLevelString(envelope, parsed, "batchId");
        if (envelope.timestamp() != null) {
            headers.putVerified(DEVICE_TIMESTAMP, headerValue(envelope.timestamp(), "timestamp"));
            if (batchId != null) {
                MessageLogContext.batch(headerValue(batchId, "payload.batchId"));
            }
            flagClockSkew(session, envelope.timestamp(), headers);
        }
        if (batchId != null) {
            headers.putVerified(BATCH_ID, headerValue(batchId, "payload.batchId"));
            MessageLogContext.batch(batchId);
        } else {
            // Every record belongs to a batch: one that names none gets its line's running batch, marked as such.
            String lineBatch = session.services().batches().activeBatch(device.attributes());
            if (lineBatch != null) {
                headers.put(BATCH_ID, lineBatch);
                headers.put(BATCH_ID_SOURCE, "line");
                MessageLogContext.batch(lineBatch);
            }
        }
        if (envelope.correlationId() != null) {
            headers.putVerified(CORRELATION_ID, headerValue(envelope.correlationId(), "correlationId"));
            // Made of the device id and the correlation id just checked
            putIdentity(headers, MSG_ID, messageId(device.deviceId(), envelope.correlationId()), identityVerified);
        }
        headers.putVerified(PAYLOAD_SHA256, sha256(payload));
        return headers;
    }

    /**
     * Contemporaneous records must be defensible: a device clock further off than allowed (or unreadable) is marked
     * on the message itself, counted and logged. The message is still stored; the gateway's Received-At stands.
     */
    private static void flagClockSkew(DeviceSession session, String timestamp, NatsHeaders headers) {
        long skew;
        try {
            skew = java.time.OffsetDateTime.parse(timestamp).toInstant().toEpochMilli() - System.currentTimeMillis();
        } catch (java.time.format.DateTimeParseException e) {
            headers.put(CLOCK_SKEW_MS, "unreadable");
            session.clockSkewed(Long.MAX_VALUE);
            return;
        }
        if (Math.abs(skew) > session.services().config().gateway().maxClockSkew().toMillis()) {
            headers.put(CLOCK_SKEW_MS, Long.toString(skew));
            session.clockSkewed(skew);
        }
    }

    private static void putIdentity(NatsHeaders headers, String key, String value, boolean verified) {
        if (verified) {
            headers.putVerified(key, value);
        } else {
            headers.put(key, value);
        }
    }

    /** Deduplication key: a retried message (same device, same correlation id) is stored once. */
    static String messageId(String deviceId, String correlationId) {
        return deviceId + ":" + correlationId;
    }

    /** Header values travel in NATS' text protocol: printable ASCII only, bounded. */
    private static String headerValue(String value, String field) {
        if (value.isEmpty() || value.length() > MAX_HEADER_VALUE) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "Field '" + field + "' must be 1-"
                    + MAX_HEADER_VALUE + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "Field '" + field
                        + "' may hold printable ASCII characters only");
            }
        }
        return value;
    }

    static String sha256(byte[] payload) {
        return Sha256.hex(payload);
    }
}
