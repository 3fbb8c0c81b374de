package com.pharmabridge.gateway.session;

import com.pharmabridge.protocol.Envelope;
import com.pharmabridge.protocol.ErrorCode;
import com.pharmabridge.protocol.MessageType;
import com.pharmabridge.protocol.ProtocolException;

import java.util.EnumMap;
import java.util.Map;

/** Sends each inbound message to the handler of its type; decides nothing itself. Shared by all sessions. */
final class SessionRouter {
    private final Map<MessageType, InboundHandler> handlers = new EnumMap<>(MessageType.class);

    SessionRouter() {
        handlers.put(MessageType.AUTH, new AuthHandler());
        handlers.put(MessageType.PUBLISH, new PublishHandler());
        handlers.put(MessageType.SUBSCRIBE, new SubscribeHandler());
        handlers.put(MessageType.UNSUBSCRIBE, new UnsubscribeHandler());
        handlers.put(MessageType.REQUEST, new RequestHandler());
        handlers.put(MessageType.REPLY, new ReplyHandler());
        handlers.put(MessageType.ACK, new DeviceAckHandler());
        handlers.put(MessageType.PING, new PingHandler());
    }

    void route(DeviceSession session, Envelope envelope) {
        if (session.device() == null && envelope.type() != MessageType.AUTH) {
            throw new ProtocolException(ErrorCode.AUTH_REQUIRED, "The first message must be Auth");
        }
        InboundHandler handler = handlers.get(envelope.type());
        if (handler == null) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE,
                    "Devices do not send messages of type " + envelope.type().code() + " (" + envelope.type() + ")");
        }
        handler.handle(session, envelope);
    }
}
