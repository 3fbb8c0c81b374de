package com.pharmabridge.gateway.registry;

import java.util.List;
import java.util.Map;

/** One registered device. The token is never stored, only {@link TokenHasher}'s hash of it. */
public record DeviceRecord(String id, String type, Map<String, String> attributes, String tokenHash,
                           List<String> publish, List<String> subscribe, List<String> deny, boolean revoked,
                           String createdAt) {
    public DeviceRecord {
        attributes = Map.copyOf(attributes);
        publish = List.copyOf(publish);
        subscribe = List.copyOf(subscribe);
        deny = List.copyOf(deny);
    }

    public DeviceRecord withTokenHash(String newHash) {
        return new DeviceRecord(id, type, attributes, newHash, publish, subscribe, deny, revoked, createdAt);
    }

    public DeviceRecord asRevoked() {
        return new DeviceRecord(id, type, attributes, tokenHash, publish, subscribe, deny, true, createdAt);
    }
}
