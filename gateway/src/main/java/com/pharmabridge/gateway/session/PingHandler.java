package com.pharmabridge.gateway.session;

import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.EnvelopeWriter;
import com.pharmabridge.protocol.MessageType;

import java.time.Instant;

/** Ping (9) → Pong (10) with the gateway's clock. Not rate limited: keep-alives must always get through. */
final class PingHandler implements InboundHandler {
    @Override
    public void handle(DeviceSession session, Envelope envelope) {
        session.send(MessageType.PONG, EnvelopeWriter.of(MessageType.PONG).correlationId(envelope.correlationId())
                .field("timestamp", Instant.now().toString()).build());
    }
}
