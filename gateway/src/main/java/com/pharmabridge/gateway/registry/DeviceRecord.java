package com.pharmabridge.gateway.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One registered device. Tokens are never stored, only {@link TokenHasher}'s hashes. After a rotation with an overlap
 * the previous token stays valid until {@code previousTokenValidUntil}, so a fleet can be re-keyed without downtime.
 */
public record DeviceRecord(String id, String type, Map<String, String> attributes, String tokenHash,
                           List<String> publish, List<String> subscribe, List<String> deny, boolean revoked,
                           String createdAt, String previousTokenHash, Instant previousTokenValidUntil) {
    public DeviceRecord {
        attributes = Map.copyOf(attributes);
        publish = List.copyOf(publish);
        subscribe = List.copyOf(subscribe);
        deny = List.copyOf(deny);
    }

    public DeviceRecord(String id, String type, Map<String, String> attributes, String tokenHash, List<String> publish,
                        List<String> subscribe, List<String> deny, boolean revoked, String createdAt) {
        this(id, type, attributes, tokenHash, publish, subscribe, deny, revoked, createdAt, null, null);
    }

    public DeviceRecord withTokenHash(String newHash) {
        return new DeviceRecord(id, type, attributes, newHash, publish, subscribe, deny, revoked, createdAt, null, null);
    }

    /** A new token; the current one keeps working until {@code overlapEnds}. */
    public DeviceRecord withRotatedToken(String newHash, Instant overlapEnds) {
        return new DeviceRecord(id, type, attributes, newHash, publish, subscribe, deny, revoked, createdAt,
                tokenHash, overlapEnds);
    }

    public DeviceRecord asRevoked() {
        return new DeviceRecord(id, type, attributes, tokenHash, publish, subscribe, deny, true, createdAt,
                null, null);
    }

    /** @return the previous token's hash while its overlap lasts, otherwise {@code null} */
    public String previousTokenHashValidAt(Instant now) {
        return previousTokenHash != null && previousTokenValidUntil != null && now.isBefore(previousTokenValidUntil)
                ? previousTokenHash : null;
    }
}
