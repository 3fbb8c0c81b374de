package com.pharmabridge.gateway.session;

import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.MessageType;
import com.pharmabridge.protocol.ProtocolException;
import com.pharmabridge.protocol.Subjects;

/** Unsubscribe (2): idempotent; a durable subscription's consumer is deleted, since the device asked to stop. */
final class UnsubscribeHandler implements InboundHandler {
    @Override
    public void handle(DeviceSession session, Envelope envelope) {
        String subject = envelope.subject();
        String problem = Subjects.validate(subject, true);
        if (problem != null) {
            throw new ProtocolException(ErrorCode.INVALID_SUBJECT, problem);
        }
        DeviceSubscription subscription = session.subscriptions().remove(subject);
        if (subscription != null) {
            subscription.cancel();
        }
        session.send(MessageType.ACK, SubscribeHandler.answer(subject, envelope.correlationId(), "Unsubscribed"));
    }
}
