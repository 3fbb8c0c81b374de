package com.pharmabridge.gateway.session;

/** A device's subscription, core or durable. */
interface DeviceSubscription {
    String subject();

    boolean durable();

    /** The connection ended: stop delivering, but keep anything durable for the device's return. */
    void detach();

    /** The device unsubscribed: stop delivering and remove what was kept for it. */
    void cancel();
}
