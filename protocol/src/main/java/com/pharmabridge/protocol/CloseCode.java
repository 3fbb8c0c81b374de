package com.pharmabridge.protocol;

/** WebSocket close codes the gateway uses (RFC 6455 plus the private 4000 range of PROTOCOL.md). */
public enum CloseCode {
    NORMAL(1000),
    GOING_AWAY(1001),
    PROTOCOL_ERROR(1002),
    POLICY_VIOLATION(1008),
    MESSAGE_TOO_BIG(1009),
    INTERNAL_ERROR(1011),
    SESSION_REPLACED(4001),
    DEVICE_REVOKED(4002),
    SLOW_CONSUMER(4003);

    private final int code;

    CloseCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static CloseCode fromCode(int code) {
        for (CloseCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }
}
