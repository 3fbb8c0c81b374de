package com.pharmabridge.protocol;

/** Envelope {@code type} values of protocol version 1; the numbers are the wire contract. */
public enum MessageType {
    PUBLISH(0),
    SUBSCRIBE(1),
    UNSUBSCRIBE(2),
    MESSAGE(3),
    REQUEST(4),
    REPLY(5),
    ACK(6),
    ERROR(7),
    AUTH(8),
    PING(9),
    PONG(10);

    private static final MessageType[] BY_CODE = values();

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** @return the type for a wire value, or {@code null} when the value is not a known type */
    public static MessageType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
