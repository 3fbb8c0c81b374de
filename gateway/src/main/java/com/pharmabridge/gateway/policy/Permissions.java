package com.pharmabridge.gateway.policy;

import com.pharmabridge.protocol.Subjects;

import java.util.List;

/**
 * What one authenticated device may do, with every variable already resolved. Deny wins over allow; a subscription
 * is allowed only when it lies wholly inside one grant and cannot receive any denied subject.
 */
public record Permissions(List<String> publish, List<String> subscribe, List<String> deny) {
    public Permissions {
        publish = List.copyOf(publish);
        subscribe = List.copyOf(subscribe);
        deny = List.copyOf(deny);
    }

    /** @param subject a valid literal subject */
    public boolean canPublish(String subject) {
        if (Subjects.isReserved(subject) || Subjects.isGatewayOwned(subject)) {
            return false;
        }
        for (String denied : deny) {
            if (Subjects.matches(denied, subject)) {
                return false;
            }
        }
        for (String grant : publish) {
            if (Subjects.matches(grant, subject)) {
                return true;
            }
        }
        return false;
    }

    /** @param request a valid subject pattern, possibly with wildcards */
    public boolean canSubscribe(String request) {
        if (Subjects.isReserved(request) || startsWithWildcard(request)) {
            return false; // a leading wildcard could reach $-subjects and other clients' inboxes
        }
        for (String denied : deny) {
            if (Subjects.overlaps(denied, request)) {
                return false;
            }
        }
        for (String grant : subscribe) {
            if (Subjects.contains(grant, request)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWithWildcard(String subject) {
        return subject.equals("*") || subject.equals(">") || subject.startsWith("*.");
    }
}
