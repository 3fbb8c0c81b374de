package com.pharmabridge.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.pharmabridge.gateway.bridge.Unavailable;
import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.EnvelopeWriter;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.MessageType;
import com.pharmabridge.protocol.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribe (1). The requested pattern must lie wholly inside one grant and must not be able to receive a denied
 * subject. {@code payload.durable: true} makes it a durable JetStream subscription.
 */
final class SubscribeHandler implements InboundHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SubscribeHandler.class);

    @Override
    public void handle(DeviceSession session, Envelope envelope) {
        String subject = Checks.subjectPattern(envelope);
        Checks.maySubscribe(session, subject);
        Checks.withinRate(session, envelope);
        JsonNode options = Payloads.tree(envelope);
        JsonNode durableOption = options.path("durable");
        if (!durableOption.isMissingNode() && !durableOption.isNull() && !durableOption.isBoolean()) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "Field 'payload.durable' must be true or false");
        }
        boolean durable = durableOption.asBoolean(false);
        String correlationId = envelope.correlationId();
        DeviceSubscription existing = session.subscriptions().get(subject);
        if (existing != null && existing.durable() == durable) {
            // Subscribing twice is no error; the answer waits for the first to be in effect.
            if (existing instanceof DurableSubscription pending) {
                pending.ready().onComplete(done -> answerOpened(session, subject, correlationId, done.cause()));
            } else {
                session.send(MessageType.ACK, answer(subject, correlationId, "Subscribed"));
            }
            return;
        }
        if (existing == null && session.subscriptions().size() >= session.limits().maxSubscriptions()) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "At most " + session.limits().maxSubscriptions()
                    + " subscriptions per device");
        }
        if (!session.services().bridge().isConnected()) {
            throw new Unavailable("NATS is not connected; subscribe again later");
        }
        String stream = null;
        if (durable) {
            stream = session.services().bridge().streams().streamContaining(subject);
            if (stream == null) {
                throw new ProtocolException(ErrorCode.INVALID_SUBJECT,
                        "No JetStream stream stores every subject of " + subject + "; a durable subscription needs one");
            }
        }
        if (existing != null) {
            // Switching between durable and not is the device's choice: what it leaves is not kept for it.
            session.subscriptions().remove(subject);
            existing.cancel();
        }
        session.audit("subscribe", "success", java.util.Map.of("subject", subject, "durable", durable));
        if (!durable) {
            CoreSubscription subscription = new CoreSubscription(session, subject);
            session.subscriptions().put(subject, subscription);
            // The Ack promises delivery from now on, so it waits until nats-server has the subscription.
            subscription.confirmed().whenComplete((ok, failure) -> session.onContextNow(() -> {
                if (failure == null) {
                    session.send(MessageType.ACK, answer(subject, correlationId, "Subscribed"));
                } else if (session.subscriptions().remove(subject, subscription)) {
                    subscription.cancel();
                    session.refuse(new Unavailable("NATS did not confirm the subscription; subscribe again"),
                            correlationId, subject);
                }
            }));
            return;
        }
        DurableSubscription subscription = new DurableSubscription(session, subject, stream);
        session.subscriptions().put(subject, subscription);
        subscription.open().onComplete(opened -> {
            if (opened.failed() && session.subscriptions().remove(subject, subscription)) {
                subscription.detach();
            }
            answerOpened(session, subject, correlationId, opened.cause());
        });
    }

    private static void answerOpened(DeviceSession session, String subject, String correlationId, Throwable failure) {
        if (failure == null) {
            session.send(MessageType.ACK, answer(subject, correlationId, "Subscribed"));
        } else if (failure instanceof ProtocolException refusal) {
            session.refuse(refusal, correlationId, subject);
        } else {
            LOG.warn("Durable subscription of {} to {} failed: {}", session.deviceId(), subject, failure.toString());
            session.refuse(new Unavailable("Durable subscription could not be set up: " + failure.getMessage()),
                    correlationId, subject);
        }
    }

    static String answer(String subject, String correlationId, String message) {
        return EnvelopeWriter.of(MessageType.ACK).subject(subject).correlationId(correlationId)
                .rawPayload("{\"success\":true,\"message\":\"" + message + "\"}").build();
    }
}
