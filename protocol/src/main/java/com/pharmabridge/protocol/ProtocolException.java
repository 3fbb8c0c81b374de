package com.pharmabridge.protocol;

/** A refusal with a wire code: thrown where the problem is found, turned into an Error in one place. */
public class ProtocolException extends RuntimeException {
    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
