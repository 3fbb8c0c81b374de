package com.pharmabridge.sdk;

/**
 * The gateway's confirmation that a published message is safe.
 *
 * @param stream    the JetStream stream that stored it, or {@code null} when no stream covers the subject
 * @param seq       its sequence number in that stream, or {@code null} for core NATS
 * @param duplicate true when the stream already held this message (a re-send after a lost Ack)
 */
public record PublishAck(String stream, Long seq, boolean duplicate) {
}
