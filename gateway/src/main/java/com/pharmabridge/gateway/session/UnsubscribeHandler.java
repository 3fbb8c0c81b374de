package com.pharmabridge.gateway.session;

import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.MessageType;

/** Unsubscribe (2): idempotent; a durable subscription's consumer is deleted, since the device asked to stop. */
final class UnsubscribeHandler implements InboundHandler {
    @Override
    public void handle(DeviceSession session, Envelope envelope) {
        String subject = Checks.subjectPattern(envelope);
        DeviceSubscription subscription = session.subscriptions().remove(subject);
        if (subscription != null) {
            subscription.cancel();
            session.audit("unsubscribe", "success", java.util.Map.of("subject", subject));
        }
        session.send(MessageType.ACK, SubscribeHandler.answer(subject, envelope.correlationId(), "Unsubscribed"));
    }
}
