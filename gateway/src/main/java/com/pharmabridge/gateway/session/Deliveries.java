package com.pharmabridge.gateway.session;

import com.pharmabridge.protocol.EnvelopeWriter;
import com.pharmabridge.protocol.MessageType;
import io.nats.client.Message;
import io.nats.client.impl.Headers;

import java.time.Instant;

/** Turns a NATS message into the Message (type 3) envelope a device receives. */
final class Deliveries {
    static final String DEVICE_ID_HEADER = "Device-Id";

    private Deliveries() {
    }

    static String toEnvelope(Message message, String ackId) {
        byte[] data = message.getData();
        EnvelopeWriter writer = EnvelopeWriter.of(MessageType.MESSAGE, data == null ? 0 : data.length)
                .subject(message.getSubject())
                .dataPayload(data)
                .field("timestamp", Instant.now().toString());
        Headers headers = message.getHeaders();
        if (headers != null) {
            writer.field("deviceId", headers.getFirst(DEVICE_ID_HEADER));
        }
        String replyTo = message.getReplyTo();
        if (replyTo != null && !message.isJetStream()) {
            writer.field("replyTo", replyTo);
        }
        return writer.field("ackId", ackId).build();
    }

    /** Delivers one core NATS message to the session; answers to it may go to its replyTo. */
    static void deliver(DeviceSession session, Message message) {
        if (session.isClosed()) {
            return;
        }
        if (message.getReplyTo() != null) {
            session.rememberReplySubject(message.getReplyTo());
        }
        session.send(MessageType.MESSAGE, toEnvelope(message, null));
    }
}
