package com.pharmabridge.protocol;

/**
 * Looks at an envelope's payload while {@link EnvelopeDecoder} passes over it, so that a check of the payload (the
 * gateway's schema validation) costs no second parse of the same bytes.
 */
@FunctionalInterface
public interface PayloadInspector {
    /**
     * Called with the cursor on the first token of the payload value, once the envelope's type and subject have been
     * read (they precede {@code payload} in what devices send; when they do not, the inspector is not called).
     *
     * @return {@code null} without having moved the cursor (the decoder then skips the value), or what was found,
     * with the cursor on the value's last token; kept as {@link Envelope#inspection()} for that type and subject
     * @throws JsonCursor.Malformed when the payload is not valid JSON (the decoder refuses the message as it would
     *                              have)
     */
    Object inspect(MessageType type, String subject, JsonCursor cursor);
}
