package com.pharmabridge.gateway.session;

import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.ProtocolException;

/** Ack (6) from a device: it has handled a durable delivery, which is now acknowledged in JetStream. Not rate limited. */
final class DeviceAckHandler implements InboundHandler {
    @Override
    public void handle(DeviceSession session, Envelope envelope) {
        String ackId = Payloads.text(Payloads.tree(envelope), "ackId");
        if (ackId == null) {
            ackId = envelope.ackId();
        }
        if (ackId == null) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "Ack needs payload.ackId");
        }
        DurableSubscription.Delivery delivery = session.takeDeviceAck(ackId);
        if (delivery == null) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "Unknown or already acknowledged ackId " + ackId);
        }
        delivery.message().ack();
    }
}
