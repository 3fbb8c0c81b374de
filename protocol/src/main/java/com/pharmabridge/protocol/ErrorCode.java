package com.pharmabridge.protocol;

/** Codes carried in {@code payload.code} of an Error (type 7), with the close code they imply, if any. */
public enum ErrorCode {
    AUTH_FAILED(CloseCode.POLICY_VIOLATION),
    AUTH_TIMEOUT(CloseCode.POLICY_VIOLATION),
    AUTH_REQUIRED(CloseCode.POLICY_VIOLATION),
    NOT_AUTHORIZED(null),
    INVALID_SUBJECT(null),
    INVALID_MESSAGE(null),
    PAYLOAD_TOO_LARGE(null),
    RATE_LIMIT(null),
    NO_RESPONDERS(null),
    REQUEST_TIMEOUT(null),
    UNAVAILABLE(null),
    SLOW_CONSUMER(null),
    INTERNAL_ERROR(null);

    private final CloseCode closes;

    ErrorCode(CloseCode closes) {
        this.closes = closes;
    }

    /** @return the close code this error ends the connection with, or {@code null} when it stays open */
    public CloseCode closes() {
        return closes;
    }

    public String wireName() {
        return name();
    }

    /** @return the code for a wire name, or {@code null} for an unknown one */
    public static ErrorCode fromWireName(String name) {
        for (ErrorCode code : values()) {
            if (code.name().equals(name)) {
                return code;
            }
        }
        return null;
    }
}
