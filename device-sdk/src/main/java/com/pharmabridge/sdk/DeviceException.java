package com.pharmabridge.sdk;

import com.pharmabridge.protocol.ErrorCode;

/**
 * A failure reported by the gateway (an Error message) or by the client itself, with a code. Gateway codes are the
 * wire names of {@link ErrorCode}; client-side codes are {@link #CLOSED}, {@link #DISCONNECTED}, {@link #TIMEOUT},
 * {@link #EXPIRED} and {@link #DROPPED}.
 */
public class DeviceException extends RuntimeException {
    /** The client was closed before the operation finished. */
    public static final String CLOSED = "CLOSED";
    /** The connection dropped before the answer came (requests are not re-sent). */
    public static final String DISCONNECTED = "DISCONNECTED";
    /** No answer came within the client's own timeout. */
    public static final String TIMEOUT = "TIMEOUT";
    /**
     * The publish waited longer than the journal's age limit ({@link PublishJournal#maxAge()}) and was removed from it
     * without the gateway's Ack: the reading is not known to be stored anywhere. (If it was in flight when it expired,
     * JetStream may still have stored it.)
     */
    public static final String EXPIRED = "EXPIRED";
    /**
     * The publish was removed from a full journal to make room for a newer one
     * ({@link com.pharmabridge.sdk.store.StoreLimits.FullPolicy#DROP_OLDEST}) without the gateway's Ack.
     */
    public static final String DROPPED = "DROPPED";

    private final String code;

    /**
     * @param code    the wire error code or a client-side code
     * @param message what went wrong
     */
    public DeviceException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    /** @return the wire error code (e.g. {@code NOT_AUTHORIZED}) or a client-side code */
    public String code() {
        return code;
    }

    /** @return the code as a protocol enum, or {@code null} for a client-side or unknown code */
    public ErrorCode errorCode() {
        return ErrorCode.fromWireName(code);
    }
}
