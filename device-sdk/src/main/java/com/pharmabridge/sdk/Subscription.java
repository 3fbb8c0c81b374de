package com.pharmabridge.sdk;

import java.util.concurrent.CompletableFuture;

/**
 * One subscription of a {@link DeviceClient}; the client subscribes again after every reconnect until
 * {@link #unsubscribe()}.
 */
public final class Subscription {
    private final DeviceClient client;
    private final String subject;
    private final boolean durable;
    private final MessageHandler handler;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    Subscription(DeviceClient client, String subject, boolean durable, MessageHandler handler) {
        this.client = client;
        this.subject = subject;
        this.durable = durable;
        this.handler = handler;
    }

    /** @return the subject pattern, possibly with wildcards */
    public String subject() {
        return subject;
    }

    /** @return true for a durable (JetStream-backed, acknowledged) subscription */
    public boolean durable() {
        return durable;
    }

    /**
     * @return completes when the gateway first confirmed the subscription; fails with {@link DeviceException} when it
     *         refused it (for example {@code NOT_AUTHORIZED})
     */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** Stops the subscription here and at the gateway; a durable one's consumer is deleted. */
    public void unsubscribe() {
        client.unsubscribe(this);
    }

    MessageHandler handler() {
        return handler;
    }

    CompletableFuture<Void> readyFuture() {
        return ready;
    }
}
