package com.pharmabridge.gateway.session;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Live connections, and which one currently holds each device id (one session per device). */
public final class SessionRegistry {
    private final Set<DeviceSession> connections = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, DeviceSession> byDevice = new ConcurrentHashMap<>();
    private final SharedSubscriptions sharedSubscriptions = new SharedSubscriptions();

    SharedSubscriptions sharedSubscriptions() {
        return sharedSubscriptions;
    }

    void opened(DeviceSession session) {
        connections.add(session);
    }

    /** @return the session this one replaces, if any */
    DeviceSession claim(String deviceId, DeviceSession session) {
        DeviceSession previous = byDevice.put(deviceId, session);
        return previous == session ? null : previous;
    }

    void ended(DeviceSession session) {
        connections.remove(session);
        if (session.deviceId() != null) {
            byDevice.remove(session.deviceId(), session);
        }
    }

    public DeviceSession byDevice(String deviceId) {
        return byDevice.get(deviceId);
    }

    public Collection<DeviceSession> authenticated() {
        return byDevice.values();
    }

    public Collection<DeviceSession> all() {
        return connections;
    }

    public int authenticatedCount() {
        return byDevice.size();
    }
}
