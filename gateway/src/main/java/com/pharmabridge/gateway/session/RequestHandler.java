package com.pharmabridge.gateway.session;

import com.pharmabridge.gateway.config.GatewayConfig;
import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.EnvelopeWriter;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.MessageType;
import com.pharmabridge.protocol.ProtocolException;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import com.pharmabridge.gateway.bridge.NatsHeaders;
import com.pharmabridge.gateway.bridge.NatsBridge;
import com.pharmabridge.gateway.bridge.Unavailable;
import java.util.concurrent.CompletableFuture;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/** Request (4): a NATS request on the device's behalf; the answer comes back as Reply (5) or a coded Error. */
final class RequestHandler implements InboundHandler {
    @Override
    public void handle(DeviceSession session, Envelope envelope) {
        String subject = Checks.literalSubject(envelope);
        String correlationId = Checks.correlationId(envelope);
        Checks.mayRequest(session, subject);
        Duration timeout = timeout(session.services().config().gateway(), envelope.timeoutMs());
        Checks.withinRate(session, envelope);
        com.pharmabridge.gateway.validation.CheckedPayload parsed = Checks.validPayload(session, subject, envelope);
        byte[] payload = envelope.hasPayload() ? envelope.payloadBytes() : new byte[0];
        long started = System.nanoTime();
        NatsBridge bridge = session.services().bridge();
        NatsHeaders headers = PublishHeaders.build(session, envelope, payload, parsed);
        // On a stored subject the stream itself would answer the request with its PubAck; see requestThroughStream.
        CompletableFuture<Message> answer = bridge.streams().streamFor(subject) == null
                ? bridge.request(subject, headers, payload, timeout)
                : bridge.requestThroughStream(subject, headers, payload,
                        PublishHeaders.messageId(session.device().deviceId(), correlationId), timeout);
        answer.whenComplete((reply, failure) -> session.onContext(() -> {
                    if (failure != null) {
                        session.refuse(describe(failure, timeout), correlationId, subject);
                        return;
                    }
                    session.services().metrics().requestAnswered(System.nanoTime() - started);
                    session.send(MessageType.REPLY, reply(subject, correlationId, reply));
                }));
    }

    private static Duration timeout(GatewayConfig.Server limits, Long requested) {
        if (requested == null) {
            return limits.requestTimeout();
        }
        if (requested <= 0 || requested > limits.maxRequestTimeout().toMillis()) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "Field 'timeoutMs' must be 1.."
                    + limits.maxRequestTimeout().toMillis());
        }
        return Duration.ofMillis(requested);
    }

    private static ProtocolException describe(Throwable failure, Duration timeout) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof JetStreamStatusException status && status.getStatus() != null
                && status.getStatus().getCode() == 503) {
            return new ProtocolException(ErrorCode.NO_RESPONDERS, "No responder is listening on this subject");
        }
        if (cause instanceof ProtocolException p) {
            return p;
        }
        if (cause instanceof io.nats.client.JetStreamApiException || cause instanceof java.io.IOException) {
            return new Unavailable("The request could not be stored: " + cause.getMessage());
        }
        if (cause instanceof CancellationException || cause instanceof TimeoutException) {
            return new ProtocolException(ErrorCode.REQUEST_TIMEOUT, "No reply within " + timeout.toMillis() + " ms");
        }
        return new ProtocolException(ErrorCode.REQUEST_TIMEOUT, "Request failed: " + cause.getMessage());
    }

    private static String reply(String subject, String correlationId, Message reply) {
        byte[] data = reply.getData();
        return EnvelopeWriter.of(MessageType.REPLY, data == null ? 0 : data.length).subject(subject)
                .correlationId(correlationId).dataPayload(data).build();
    }
}
