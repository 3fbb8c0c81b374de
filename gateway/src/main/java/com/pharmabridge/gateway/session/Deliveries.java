package com.pharmabridge.gateway.session;

import com.pharmabridge.gateway.bridge.NatsBridge;
import com.pharmabridge.gateway.bridge.StreamCatalog;
import com.pharmabridge.protocol.EnvelopeWriter;
import com.pharmabridge.protocol.MessageType;
import io.nats.client.Message;
import com.pharmabridge.gateway.bridge.HeaderValues;

import java.time.Instant;

/** Turns a NATS message into the Message (type 3) envelope a device receives. */
final class Deliveries {
    private static final String INBOX_PREFIX = "_INBOX.";

    private Deliveries() {
    }

    static String toEnvelope(Message message, String replyTo, String ackId) {
        return envelope(message.getSubject(), HeaderValues.of(message.getHeaders()), message.getData(), replyTo, ackId)
                .build();
    }

    /** As {@link #toEnvelope(Message, String, String)}, as the bytes of a frame, for many devices at once. */
    static DirectFrames.Shared shared(Message message, String replyTo) {
        return shared(message.getSubject(), HeaderValues.of(message.getHeaders()), message.getData(), replyTo);
    }

    static DirectFrames.Shared shared(String subject, HeaderValues headers, byte[] data, String replyTo) {
        return new DirectFrames.Shared(envelope(subject, headers, data, replyTo, null).buildUtf8());
    }

    private static EnvelopeWriter envelope(String subject, HeaderValues headers, byte[] data, String replyTo,
                                           String ackId) {
        EnvelopeWriter writer = EnvelopeWriter.of(MessageType.MESSAGE, data == null ? 0 : data.length)
                .subject(subject)
                .dataPayload(data)
                .field("timestamp", IsoInstant.format(Instant.now()));
        if (headers != null) {
            writer.field("deviceId", headers.first(PublishHeaders.DEVICE_ID));
        }
        return writer.field("replyTo", replyTo).field("ackId", ackId);
    }

    /**
     * The subject a device may answer this message on, or {@code null}. A stored request names its inbox in a
     * header. A core message's own reply subject is offered only where no stream stores the subject: there it is a
     * JetStream publisher's PubAck inbox, which a device must never be able to answer. System subjects never.
     */
    static String replySubject(Message message, StreamCatalog streams) {
        return replySubject(message.getSubject(), message.getReplyTo(), HeaderValues.of(message.getHeaders()),
                message.isJetStream(),
                streams);
    }

    static String replySubject(String subject, String replyTo, HeaderValues headers, boolean jetStream,
                               StreamCatalog streams) {
        String stored = headers == null ? null : headers.first(NatsBridge.REPLY_SUBJECT_HEADER);
        if (stored != null) {
            return stored.startsWith(INBOX_PREFIX) ? stored : null;
        }
        if (replyTo == null || jetStream || replyTo.startsWith("$") || streams.streamFor(subject) != null) {
            return null;
        }
        return replyTo;
    }

    /**
     * Delivers an envelope built once for every session subscribed to its subject (see SharedSubscriptions); the
     * caller counts it in the metrics.
     *
     * @return whether it was written or queued for the device
     */
    static boolean deliverUncounted(DeviceSession session, DirectFrames.Shared envelope, String replyTo) {
        if (session.isClosed()) {
            return false;
        }
        if (replyTo != null) {
            session.rememberReplySubject(replyTo);
        }
        return session.sendShared(envelope);
    }

    /** Delivers one message to the session; answers to it may go to its reply subject for a while. */
    static void deliver(DeviceSession session, Message message, String ackId) {
        if (session.isClosed()) {
            return;
        }
        String replyTo = replySubject(message, session.services().bridge().streams());
        if (replyTo != null) {
            session.rememberReplySubject(replyTo);
        }
        session.send(MessageType.MESSAGE, toEnvelope(message, replyTo, ackId));
    }
}
