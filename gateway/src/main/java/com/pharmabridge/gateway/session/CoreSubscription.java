package com.pharmabridge.gateway.session;

import io.nats.client.Subscription;

/** A plain NATS subscription on one of the gateway's shared dispatchers. */
final class CoreSubscription implements DeviceSubscription {
    private final DeviceSession session;
    private final String subject;
    private final Subscription subscription;

    CoreSubscription(DeviceSession session, String subject) {
        this.session = session;
        this.subject = subject;
        this.subscription = session.services().bridge().subscribe(subject,
                message -> session.onContext(() -> Deliveries.deliver(session, message, null)));
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
        session.services().bridge().unsubscribe(subscription);
    }

    @Override
    public void cancel() {
        detach();
    }
}
