package com.pharmabridge.sdk;

/** Handles messages delivered to a {@link Subscription}. */
@FunctionalInterface
public interface MessageHandler {
    /**
     * Called for each delivered message, one at a time per client, on the client's receiving thread: keep it short
     * or hand the work to an executor. For a durable subscription the delivery is acknowledged only when this method
     * returns normally; an exception leaves it unacknowledged, so the gateway delivers it again later.
     *
     * @param message the delivered message
     * @throws Exception to refuse the message
     */
    void onMessage(IncomingMessage message) throws Exception;
}
