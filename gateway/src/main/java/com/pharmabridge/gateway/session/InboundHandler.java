package com.pharmabridge.gateway.session;

import com.pharmabridge.protocol.Envelope;

/** Handles one inbound message type for an authenticated session. Refusals are thrown as ProtocolException. */
interface InboundHandler {
    void handle(DeviceSession session, Envelope envelope);
}
