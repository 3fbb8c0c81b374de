package com.pharmabridge.sdk;

/**
 * Receives lifecycle events of a {@link DeviceClient}, in the style of nats.java's {@code ConnectionListener}.
 * Called on the client's internal threads (those of its {@link ClientResources} when it shares them), sometimes on the
 * thread that called {@link DeviceClient#publish}; implementations must return quickly and must not block.
 */
public interface ConnectionListener {

    /** What happened to the client's connection. */
    enum Event {
        /** The WebSocket to the gateway is open; authentication is under way. */
        CONNECTED,
        /** The gateway accepted the credentials; subscriptions and pending publishes are being re-sent. */
        AUTHENTICATED,
        /** The gateway refused the credentials; the client closes itself. */
        AUTH_FAILED,
        /** The connection ended; the detail carries close code and reason. */
        DISCONNECTED,
        /** A new connection attempt is scheduled; the detail carries the delay. */
        RECONNECTING,
        /** The gateway dropped messages for this device because it read too slowly. */
        SLOW_CONSUMER,
        /**
         * The journal is full: it refused a publish (the detail carries the
         * {@link com.pharmabridge.sdk.store.StoreFullException}'s message, and the publish's future failed with it),
         * or, under {@link com.pharmabridge.sdk.store.StoreLimits.FullPolicy#DROP_OLDEST}, it dropped older pending
         * publishes to make room (the detail says how many; their futures failed with
         * {@link DeviceException#DROPPED}). Raise an alarm: readings are being lost or refused.
         */
        BUFFER_FULL,
        /** The client was closed and will not reconnect. */
        CLOSED
    }

    /**
     * Called once per event.
     *
     * @param event  what happened
     * @param detail a human-readable detail (close reason, delay, gateway message), never {@code null}
     */
    default void onEvent(Event event, String detail) {
    }
}
