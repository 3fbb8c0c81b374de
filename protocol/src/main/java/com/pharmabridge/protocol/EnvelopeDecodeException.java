package com.pharmabridge.protocol;

/** A frame that is not a valid envelope; carries what could be read of it so the Error can name its message. */
public final class EnvelopeDecodeException extends ProtocolException {
    private final String correlationId;
    private final String subject;

    public EnvelopeDecodeException(ErrorCode code, String message, String correlationId, String subject) {
        super(code, message);
        this.correlationId = correlationId;
        this.subject = subject;
    }

    public String correlationId() {
        return correlationId;
    }

    public String subject() {
        return subject;
    }
}
