package com.pharmabridge.gateway.bridge;

/** Receives the messages of a plain subscription made on an event loop's own NATS connection; runs on that loop. */
@FunctionalInterface
public interface CoreMessageHandler {
    /** {@code replyTo} and {@code headers} may be null. */
    void onMessage(String subject, String replyTo, ReceivedHeaders headers, byte[] data);
}
