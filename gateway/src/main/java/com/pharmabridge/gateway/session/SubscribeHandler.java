package com.pharmabridge.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.pharmabridge.gateway.bridge.Unavailable;
import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.EnvelopeWriter;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.MessageType;
import com.pharmabridge.protocol.ProtocolException;
import com.pharmabridge.protocol.Subjects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribe (1). The requested pattern must lie wholly inside one grant and must not be able to receive a denied
 * subject. {@code payload.durable: true} makes it a durable JetStream subscription.
 */
final class SubscribeHandler implements InboundHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SubscribeHandler.class);
    private static final java.time.Duration FLUSH_TIMEOUT = java.time.Duration.ofSeconds(5);

    @Override
    public void handle(DeviceSession session, Envelope envelope) {
        String subject = envelope.subject();
        String problem = Subjects.validate(subject, true);
        if (problem != null) {
            throw new ProtocolException(ErrorCode.INVALID_SUBJECT, problem);
        }
        if (!session.device().permissions().canSubscribe(subject)) {
            throw new ProtocolException(ErrorCode.NOT_AUTHORIZED, "Not authorized to subscribe to " + subject);
        }
        Checks.withinRate(session, envelope);
        JsonNode options = Payloads.tree(envelope);
        boolean durable = options.path("durable").asBoolean(false);
        String correlationId = envelope.correlationId();
        DeviceSubscription existing = session.subscriptions().get(subject);
        if (existing != null && existing.durable() == durable) {
            session.send(MessageType.ACK, answer(subject, correlationId, "Subscribed"));
            return;
        }
        if (existing == null && session.subscriptions().size() >= session.limits().maxSubscriptions()) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "At most " + session.limits().maxSubscriptions()
                    + " subscriptions per device");
        }
        if (!session.services().bridge().isConnected()) {
            throw new Unavailable("NATS is not connected; subscribe again later");
        }
        if (existing != null) {
            session.subscriptions().remove(subject);
            existing.detach();
        }
        if (!durable) {
            CoreSubscription subscription = new CoreSubscription(session, subject);
            session.subscriptions().put(subject, subscription);
            // The Ack promises delivery from now on, so it waits until nats-server has the subscription.
            session.context().executeBlocking(() -> {
                session.services().bridge().flush(FLUSH_TIMEOUT);
                return null;
            }, false).onComplete(flushed -> {
                if (flushed.succeeded()) {
                    session.send(MessageType.ACK, answer(subject, correlationId, "Subscribed"));
                } else {
                    session.subscriptions().remove(subject, subscription);
                    subscription.cancel();
                    session.refuse(new Unavailable("NATS did not confirm the subscription; subscribe again"),
                            correlationId, subject);
                }
            });
            return;
        }
        String stream = session.services().bridge().streams().streamContaining(subject);
        if (stream == null) {
            throw new ProtocolException(ErrorCode.INVALID_SUBJECT,
                    "No JetStream stream stores every subject of " + subject + "; a durable subscription needs one");
        }
        DurableSubscription.open(session, subject, stream,
                () -> session.send(MessageType.ACK, answer(subject, correlationId, "Subscribed")),
                failure -> {
                    LOG.warn("Durable subscription of {} to {} failed: {}", session.deviceId(), subject, failure.toString());
                    session.refuse(new Unavailable("Durable subscription could not be set up: " + failure.getMessage()),
                            correlationId, subject);
                });
    }

    static String answer(String subject, String correlationId, String message) {
        return EnvelopeWriter.of(MessageType.ACK).subject(subject).correlationId(correlationId)
                .rawPayload("{\"success\":true,\"message\":\"" + message + "\"}").build();
    }
}
