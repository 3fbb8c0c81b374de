package com.pharmabridge.gateway.bridge;

import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.ProtocolException;

/** NATS or JetStream cannot take the message now; nothing of it was stored. */
public final class Unavailable extends ProtocolException {
    public Unavailable(String message) {
        super(ErrorCode.UNAVAILABLE, message);
    }
}
