package com.pharmabridge.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One decoded device message. The payload is not parsed: it is a range of the frame the device sent, so it can be
 * forwarded to NATS byte for byte as PROTOCOL.md requires.
 */
public final class Envelope {
    private final MessageType type;
    private final String subject;
    private final String correlationId;
    private final String timestamp;
    private final String replyTo;
    private final String ackId;
    private final Long timeoutMs;
    private final byte[] frame;
    private final int payloadOffset;
    private final int payloadLength;
    private Object inspection;

    Envelope(MessageType type, String subject, String correlationId, String timestamp, String replyTo, String ackId,
             Long timeoutMs, byte[] frame, int payloadOffset, int payloadLength) {
        this.type = type;
        this.subject = subject;
        this.correlationId = correlationId;
        this.timestamp = timestamp;
        this.replyTo = replyTo;
        this.ackId = ackId;
        this.timeoutMs = timeoutMs;
        this.frame = frame;
        this.payloadOffset = payloadOffset;
        this.payloadLength = payloadLength;
    }

    public MessageType type() {
        return type;
    }

    public String subject() {
        return subject;
    }

    public String correlationId() {
        return correlationId;
    }

    /** The device's own clock, as it sent it; never interpreted as the time of record. */
    public String timestamp() {
        return timestamp;
    }

    public String replyTo() {
        return replyTo;
    }

    public String ackId() {
        return ackId;
    }

    public Long timeoutMs() {
        return timeoutMs;
    }

    public boolean hasPayload() {
        return payloadLength >= 0;
    }

    /** @return a copy of the payload bytes exactly as the device wrote them, or an empty array when absent */
    public byte[] payloadBytes() {
        if (payloadLength < 0) {
            return new byte[0];
        }
        return Arrays.copyOfRange(frame, payloadOffset, payloadOffset + payloadLength);
    }

    /** The frame and range holding the payload, for parsing it without a copy. */
    /** What the decoder's {@link PayloadInspector} found in the payload, or {@code null}. */
    public Object inspection() {
        return inspection;
    }

    void inspection(Object found) {
        this.inspection = found;
    }

    public byte[] frame() {
        return frame;
    }

    public int payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    public String payloadText() {
        return payloadLength < 0 ? null : new String(frame, payloadOffset, payloadLength, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Envelope{type=" + type + ", subject=" + subject + ", correlationId=" + correlationId
                + ", payloadLength=" + payloadLength + '}';
    }
}
