package com.pharmabridge.gateway.session;

import com.pharmabridge.gateway.bridge.NatsBridge;
import com.pharmabridge.gateway.bridge.Unavailable;
import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.EnvelopeWriter;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.MessageType;
import com.pharmabridge.protocol.ProtocolException;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.PublishAck;
import com.pharmabridge.gateway.bridge.NatsHeaders;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Publish (0). Without a correlation id it is fire and forget. With one, the Ack is sent only once the message is
 * safe: stored by JetStream when a stream covers the subject (deduplicated by Nats-Msg-Id), otherwise handed to NATS.
 */
final class PublishHandler implements InboundHandler {

    @Override
    public void handle(DeviceSession session, Envelope envelope) {
        String subject = Checks.literalSubject(envelope);
        Checks.mayPublish(session, subject);
        Checks.hasPayload(envelope);
        Checks.withinRate(session, envelope);
        com.pharmabridge.gateway.validation.CheckedPayload parsed = Checks.validPayload(session, subject, envelope);
        Checks.ownLineInBatchEvent(session, subject, envelope, parsed);
        byte[] payload = envelope.payloadBytes();
        NatsHeaders headers = PublishHeaders.build(session, envelope, payload, parsed);
        NatsBridge bridge = session.services().bridge();
        String correlationId = envelope.correlationId();
        String stream = correlationId == null ? null : bridge.streams().streamFor(subject);
        if (stream == null) {
            bridge.publish(subject, headers, payload);
            session.checkCongestion();
            if (correlationId != null) {
                session.send(MessageType.ACK, ack(subject, correlationId, null, null, false));
            }
            return;
        }
        long started = System.nanoTime();
        session.publishStarted();
        try {
            bridge.publishDurably(subject, headers, payload,
                            PublishHeaders.messageId(session.device().deviceId(), correlationId))
                    .whenComplete((ack, failure) -> session.onContextNow(() -> {
                        // Answer first: finishing the last in-flight publish may close a session that is shutting down.
                        if (failure != null) {
                            session.refuse(describe(failure), correlationId, subject);
                        } else {
                            session.services().metrics().jetStreamPublished(System.nanoTime() - started);
                            session.send(MessageType.ACK,
                                    ack(subject, correlationId, ack.getStream(), ack.getSeqno(), ack.isDuplicate()));
                        }
                        session.publishFinished();
                    }));
            // Stored publishes count against the connection's limit too: the in-flight limit alone does not bound
            // them, since one that timed out (NATS not answering) frees its slot while its bytes still wait to be sent.
            session.checkCongestion();
        } catch (RuntimeException e) {
            session.publishFinished();
            throw e;
        }
    }

    /** What the device is told when JetStream did not confirm: in every case it keeps the message and retries. */
    private static ProtocolException describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ProtocolException p) {
            return p;
        }
        if (cause instanceof TimeoutException) {
            return new Unavailable("JetStream did not confirm storage in time; the message may not be stored, retry it");
        }
        if (cause instanceof JetStreamApiException api) {
            return new Unavailable("JetStream refused the message: " + api.getErrorDescription());
        }
        return new Unavailable("JetStream could not store the message: " + cause.getMessage());
    }

    static String ack(String subject, String correlationId, String stream, Long seq, boolean duplicate) {
        StringBuilder payload = new StringBuilder(96).append("{\"success\":true,\"stream\":");
        EnvelopeWriter.quote(payload, stream).append(",\"seq\":").append(seq == null ? "null" : seq.toString())
                .append(",\"duplicate\":").append(duplicate).append('}');
        return EnvelopeWriter.of(MessageType.ACK).subject(subject).correlationId(correlationId).rawPayload(payload).build();
    }

    static ProtocolException invalid(String message) {
        return new ProtocolException(ErrorCode.INVALID_MESSAGE, message);
    }
}
