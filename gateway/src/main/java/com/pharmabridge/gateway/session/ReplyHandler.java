package com.pharmabridge.gateway.session;

import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.MessageType;
import com.pharmabridge.protocol.ProtocolException;

/**
 * Reply (5) from a device: allowed only to a replyTo this device was given on a delivered Message, once, within the
 * request timeout. Anything else would let a device write into other clients' inboxes.
 */
final class ReplyHandler implements InboundHandler {
    @Override
    public void handle(DeviceSession session, Envelope envelope) {
        String subject = Checks.literalSubject(envelope);
        if (!session.consumeReplySubject(subject)) {
            throw new ProtocolException(ErrorCode.NOT_AUTHORIZED,
                    "Reply subject " + subject + " was not given to this device, or its request has expired");
        }
        Checks.withinRate(session, envelope);
        byte[] payload = envelope.hasPayload() ? envelope.payloadBytes() : new byte[0];
        session.services().bridge().publish(subject, PublishHeaders.build(session, envelope, payload), payload);
        if (envelope.correlationId() != null) {
            session.send(MessageType.ACK, PublishHandler.ack(subject, envelope.correlationId(), null, null, false));
        }
    }
}
