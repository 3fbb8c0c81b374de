package com.pharmabridge.gateway.session;

/** A plain NATS subscription, shared with the gateway's other sessions subscribed to the same subject. */
final class CoreSubscription implements DeviceSubscription {
    private final DeviceSession session;
    private final String subject;
    private final SharedSubscriptions.Shared shared;

    CoreSubscription(DeviceSession session, String subject) {
        this.session = session;
        this.subject = subject;
        this.shared = session.services().sessions().sharedSubscriptions()
                .join(session.services().bridge(), subject, this);
    }

    DeviceSession session() {
        return session;
    }

    /** Completes once nats-server has the subscription; on the session's loop. */
    java.util.concurrent.CompletableFuture<Void> confirmed() {
        return shared.confirmed();
    }

    @Override
    public String subject() {
        return subject;
    }

    @Override
    public boolean durable() {
        return false;
    }

    @Override
    public void detach() {
        session.services().sessions().sharedSubscriptions().leave(shared, this);
    }

    @Override
    public void cancel() {
        detach();
    }
}
