package com.pharmabridge.gateway.bridge;

import java.util.concurrent.CompletableFuture;

/** A plain subscription on an event loop's own NATS connection (see {@link LoopPublisher}). */
public final class LoopSubscription {
    private final LoopPublisher connection;
    private final int sid;

    LoopSubscription(LoopPublisher connection, int sid) {
        this.connection = connection;
        this.sid = sid;
    }

    /** Completes once nats-server has the subscription; fails when the connection is not up. On the loop only. */
    public CompletableFuture<Void> confirmed() {
        return connection.caughtUp();
    }

    /** Ends it (again: nothing); from any thread. */
    public void unsubscribe() {
        if (connection.loop().inEventLoop()) {
            connection.unsubscribe(sid);
        } else {
            connection.loop().execute(() -> connection.unsubscribe(sid));
        }
    }
}
