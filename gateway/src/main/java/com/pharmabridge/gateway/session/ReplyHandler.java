package com.pharmabridge.gateway.session;

import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.MessageType;

/**
 * Reply (5) from a device: allowed only to a replyTo this device was given on a delivered Message, once, within the
 * request timeout. Anything else would let a device write into other clients' inboxes.
 */
final class ReplyHandler implements InboundHandler {
    @Override
    public void handle(DeviceSession session, Envelope envelope) {
        String subject = Checks.literalSubject(envelope);
        Checks.mayReply(session, subject);
        Checks.withinRate(session, envelope);
        byte[] payload = envelope.hasPayload() ? envelope.payloadBytes() : new byte[0];
        session.services().bridge().publish(subject, PublishHeaders.build(session, envelope, payload), payload);
        if (envelope.correlationId() != null) {
            session.send(MessageType.ACK, PublishHandler.ack(subject, envelope.correlationId(), null, null, false));
        }
    }
}
